//! `asl-lsp`: the language server for the Amazon States Language, over stdio.
//!
//! stdout carries only the protocol; logs go to stderr through `tracing` (`ASL_LSP_LOG=debug`).

// Many small JSON values per run or edit: mimalloc is markedly faster here than the system
// allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

/// asl-lsp: the language server for the Amazon States Language. It speaks LSP on stdin and
/// stdout; an editor starts it. Logs go to stderr (ASL_LSP_LOG=debug for more).
#[derive(Parser)]
#[command(name = "asl-lsp", version, max_term_width = 100)]
struct Args {
    /// Speak LSP over stdin/stdout (the only transport, and the default; accepted because
    /// editors' clients pass it)
    #[arg(long)]
    stdio: bool,
}

/// The allocator's options the server runs with, set in the environment unless the user set
/// them:
/// - mimalloc hands memory freed for a second back to the system (its purge), and the next edit
///   of a large document then takes it again page by page: the first edit after a pause cost
///   30-60 ms more than the next ones on the 2,000-state file. The server keeps what it freed
///   (its peak: two versions' analyses): `MIMALLOC_PURGE_DELAY=-1`.
/// - mimalloc asks for transparent huge pages, and on a machine whose memory is full of page
///   cache each new 2 MiB page can wait for the kernel to compact memory: the first check and
///   the first edit after start took 100-300 ms instead of 10-40 (docs/benchmarks.md). Plain
///   pages: `MIMALLOC_ALLOW_THP=0`.
///
/// mimalloc reads its options from the environment only as the process starts, so the server
/// starts itself again, in place (same process), with them. Returns only if it could not (and
/// why).
#[cfg(unix)]
fn set_allocator_options() -> Option<std::io::Error> {
    use std::os::unix::process::CommandExt;
    const OPTIONS: [(&str, &str); 2] =
        [("MIMALLOC_PURGE_DELAY", "-1"), ("MIMALLOC_ALLOW_THP", "0")];
    let missing: Vec<(&str, &str)> = OPTIONS
        .into_iter()
        .filter(|(name, _)| std::env::var_os(name).is_none())
        .collect();
    if missing.is_empty() {
        return None;
    }
    let me = std::env::current_exe().ok()?;
    Some(
        std::process::Command::new(me)
            .args(std::env::args_os().skip(1))
            .envs(missing)
            .exec(),
    )
}

#[cfg(not(unix))]
fn set_allocator_options() -> Option<std::io::Error> {
    None
}

fn main() -> ExitCode {
    let not_restarted = set_allocator_options();
    if let Err(e) = Args::try_parse() {
        // Help and version on stdout (exit 0), usage problems on stderr (exit 2).
        let _ = e.print();
        return ExitCode::from(e.exit_code() as u8);
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ASL_LSP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    // A panic message may quote the document (a slice's text, say): where it happened is logged
    // as an error, what it said only at debug level.
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or_else(String::new, |l| format!("{}:{}", l.file(), l.line()));
        tracing::error!(%location, "panic (ASL_LSP_LOG=debug shows its message)");
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::debug!(%message, "panic message");
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(why) = not_restarted {
        tracing::warn!(
            "the allocator runs with its defaults ({why}): the first edits may be slower"
        );
    }
    runtime.block_on(asl_lsp::serve_stdio());
    ExitCode::SUCCESS
}
