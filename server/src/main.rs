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

fn main() -> ExitCode {
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
    runtime.block_on(asl_lsp::serve_stdio());
    ExitCode::SUCCESS
}
