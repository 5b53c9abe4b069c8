//! The LSP front end: the document store, ordered analysis and publication.
//!
//! tower-lsp-server runs handlers concurrently, so each notification updates the store before
//! its first `.await`, analysis is a pure function of (text, version) run off the async
//! threads, and a result is published only if its version is still the document's: a stale
//! result never replaces a newer one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use asl_sim::syntax::{Format, PositionEncoding};
use dashmap::DashMap;
use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeActionParams, CodeActionProviderCapability, CodeActionResponse, CodeLens, CodeLensOptions,
    CodeLensParams, CompletionOptions, CompletionParams, CompletionResponse,
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentFormattingParams,
    DocumentSymbolParams, DocumentSymbolResponse, ExecuteCommandOptions, ExecuteCommandParams,
    FileSystemWatcher, GlobPattern, GotoDefinitionParams, GotoDefinitionResponse, Hover,
    HoverParams, HoverProviderCapability, InitializeParams, InitializeResult, InitializedParams,
    Location, OneOf, Position, PositionEncodingKind, ReferenceParams, Registration, RenameParams,
    ServerCapabilities, ServerInfo, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri,
    WorkspaceEdit,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::diagnostics::MockSource;
use crate::document::{Document, Snapshot};
use crate::settings::Settings;
use crate::{
    code_actions, code_lens, commands, completion, diagnostics, formatting, hover, navigation,
};

/// Serve LSP on stdin/stdout until the client exits.
pub async fn serve_stdio() {
    let (service, socket) = LspService::new(Backend::new);
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
}

/// The language server: a handle on its state, which background tasks share.
pub struct Backend {
    state: Arc<State>,
}

impl std::ops::Deref for Backend {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

pub struct State {
    client: Client,
    documents: DashMap<Uri, Document>,
    /// The last published analysis of each document, for requests on the same version.
    analyses: DashMap<Uri, Arc<diagnostics::Analysis>>,
    /// Per document, the version being analysed and the flag that cancels its simulation
    /// when a newer text (or the same text with other mocks) arrives.
    running: DashMap<Uri, (i32, Arc<Superseded>)>,
    /// One check at a time, never behind a simulation: queued ones wait without a thread, and
    /// are dropped if a newer edit arrives meanwhile (memory and request latency stay bounded).
    check_slot: tokio::sync::Semaphore,
    /// At most one simulation per core but one, likewise.
    simulation_slots: tokio::sync::Semaphore,
    /// Per document, the last version published, held while publishing so that publications
    /// of one document never overtake each other.
    last_published: DashMap<Uri, Arc<tokio::sync::Mutex<i32>>>,
    /// Negotiated at initialize: UTF-8 when the client offers it, else UTF-16.
    encoding: OnceLock<PositionEncoding>,
    /// The workspace root (a `file:` URI), for relative settings.
    root: OnceLock<String>,
    settings: RwLock<Settings>,
    /// Whether the client lets us register file watchers for mock files on disk.
    can_watch: OnceLock<bool>,
    /// Whether the client re-requests code lenses when asked (they show the simulation).
    can_refresh_lenses: OnceLock<bool>,
    /// How the client applies a completion's text edit.
    completion_edits: OnceLock<completion::ClientEdits>,
}

/// Set when a newer text (or the same text with other mocks) supersedes an analysis: its
/// simulation stops at its next state, and its wait for a pause in the typing ends at once,
/// dropping the version's analysis that it holds.
struct Superseded {
    flag: Arc<AtomicBool>,
    wake: tokio::sync::Notify,
}

impl Superseded {
    fn new() -> Arc<Self> {
        Arc::new(Superseded {
            flag: Arc::new(AtomicBool::new(false)),
            wake: tokio::sync::Notify::new(),
        })
    }

    fn set(&self) {
        self.flag.store(true, Ordering::Relaxed);
        // A permit if the analysis is not waiting yet: its wait then ends as it starts.
        self.wake.notify_one();
    }

    fn is_set(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Wait `pause` unless superseded first; whether the analysis is still wanted.
    async fn pause(&self, pause: std::time::Duration) -> bool {
        tokio::select! {
            () = tokio::time::sleep(pause) => !self.is_set(),
            () = self.wake.notified() => false,
        }
    }
}

/// How long a document must go unchanged before it is simulated: longer than the gap between
/// a fast typist's keystrokes, short enough to be felt as at once.
const SIMULATION_PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

/// YAML for `.yaml` / `.yml` documents and the YAML language ids, JSON otherwise.
fn format_of(uri: &Uri, language_id: &str) -> Format {
    if language_id.contains("yaml") {
        Format::Yaml
    } else {
        Format::from_path(uri.as_str())
    }
}

/// Run analysis on the blocking pool; a panic is logged and gives `None` (the server keeps
/// serving).
async fn off_thread<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let outcome = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
    })
    .await;
    if let Ok(Ok(value)) = outcome {
        Some(value)
    } else {
        tracing::error!("{what} panicked; the server keeps serving");
        None
    }
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            state: Arc::new(State::new(client)),
        }
    }

    /// Run `work` on the shared state in a task of its own: a notification's handler returns
    /// at once, so analysis never holds up the messages behind it.
    fn in_background<F>(&self, work: impl FnOnce(Arc<State>) -> F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        tokio::spawn(work(Arc::clone(&self.state)));
    }
}

impl State {
    fn new(client: Client) -> Self {
        State {
            client,
            documents: DashMap::new(),
            analyses: DashMap::new(),
            running: DashMap::new(),
            check_slot: tokio::sync::Semaphore::new(1),
            // One core is left to the protocol, so requests are answered while edits pour in.
            simulation_slots: tokio::sync::Semaphore::new(
                std::thread::available_parallelism()
                    .map_or(1, |n| n.get().saturating_sub(1).max(1)),
            ),
            last_published: DashMap::new(),
            encoding: OnceLock::new(),
            root: OnceLock::new(),
            settings: RwLock::new(Settings::default()),
            can_watch: OnceLock::new(),
            can_refresh_lenses: OnceLock::new(),
            completion_edits: OnceLock::new(),
        }
    }

    fn settings(&self) -> Settings {
        self.settings.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Where a definition's mocks come from, under the current settings.
    fn mock_source(&self, uri: &Uri) -> MockSource {
        let settings = self.settings();
        let files = settings.mock_files_of(uri);
        MockSource {
            definition: asl_sim::mocks::definition_name(uri.as_str()),
            open_text: files.iter().find_map(|m| self.open_text(m)),
            files,
            test_case: settings.test_case,
            s3_root: settings.s3_root,
        }
    }

    /// The analysis last published for a document (its version may be older than the text's).
    fn published(&self, uri: &Uri) -> Option<Arc<diagnostics::Analysis>> {
        self.analyses.get(uri).map(|a| Arc::clone(&a))
    }

    /// The document as it is now, for a request.
    fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        let encoding = self.encoding();
        self.documents.get(uri).map(|d| d.snapshot(encoding))
    }

    /// Answer a request on a document off the protocol threads; `None` if it is not open.
    async fn on_document<T: Send + 'static>(
        &self,
        what: &'static str,
        uri: Uri,
        work: impl FnOnce(&Uri, &Snapshot) -> T + Send + 'static,
    ) -> Option<T> {
        let doc = self.snapshot(&uri)?;
        // A template's requests are answered on its state machines, at positions.
        if doc.template.is_some() {
            return None;
        }
        off_thread(what, move || work(&uri, &doc)).await
    }

    /// A request at a position in a document (hover, completion, navigation).
    async fn at_position<T: Send + 'static>(
        &self,
        what: &'static str,
        at: TextDocumentPositionParams,
        work: impl FnOnce(&Uri, &Snapshot, Position) -> T + Send + 'static,
    ) -> Option<T> {
        let (uri, position) = (at.text_document.uri, at.position);
        let doc = self.snapshot(&uri)?;
        let files =
            crate::templates::OpenFiles::for_document(&doc, &self.documents, self.encoding());
        off_thread(what, move || {
            // In a template, or a definition file as its template makes it: on the state
            // machine under the cursor, if any.
            if let Some(files) = files {
                if let Some(view) = crate::templates::view_at(&uri, &doc, position, &files) {
                    return Some(work(&uri, &view, position));
                }
                if doc.template.is_some() {
                    return None;
                }
            }
            Some(work(&uri, &doc, position))
        })
        .await
        .flatten()
    }

    fn set_settings(&self, value: &Value) {
        let settings = Settings::from_json(value, self.root.get().map(String::as_str));
        tracing::info!(?settings, "settings");
        if let Ok(mut current) = self.settings.write() {
            *current = settings;
        }
    }

    fn encoding(&self) -> PositionEncoding {
        *self.encoding.get().unwrap_or(&PositionEncoding::Utf16)
    }

    /// The text of a document the editor has open, by URI string.
    fn open_text(&self, uri: &str) -> Option<String> {
        self.documents
            .iter()
            .find(|d| d.key().as_str() == uri)
            .map(|d| d.text())
    }

    /// The open definition that reads this mock file (its text and format), if any.
    fn definition_of_mock_file(&self, mock_file: &Uri) -> Option<(String, Format)> {
        self.documents.iter().find_map(|d| {
            let settings = self.settings();
            (!settings.is_mock_file(d.key())
                && settings
                    .mock_files_of(d.key())
                    .iter()
                    .any(|m| m == mock_file.as_str()))
            .then(|| (d.text(), d.format))
        })
    }

    /// A document changed: publish on it, and when it is a mock file, on the open definitions
    /// that read it.
    /// `edited`: by a keystroke (simulated only with `asl.simulateOnChange`), not an open, a
    /// save or a settings change.
    async fn changed(&self, uri: Uri, edited: bool) {
        let settings = self.settings();
        if !settings.is_mock_file(&uri) {
            let simulate = !edited || settings.simulate_on_change;
            self.publish(uri.clone(), simulate, !edited).await;
            self.republish_dependents(&uri, simulate).await;
            return;
        }
        self.publish_mock_file(uri.clone()).await;
        self.republish_readers_of(uri.as_str()).await;
    }

    /// Simulate again every open definition that reads this mock file.
    async fn republish_readers_of(&self, mock_file: &str) {
        let settings = self.settings();
        let readers: Vec<Uri> = self
            .documents
            .iter()
            .map(|d| d.key().clone())
            .filter(|d| {
                !settings.is_mock_file(d)
                    && settings.mock_files_of(d).iter().any(|m| m == mock_file)
            })
            .collect();
        for reader in readers {
            self.publish(reader, true, true).await;
        }
    }

    /// A template and the definition files it names are checked together: after one changed,
    /// the others open.
    async fn republish_dependents(&self, uri: &Uri, simulate: bool) {
        if !crate::templates::may_have_dependents(uri, &self.documents) {
            return;
        }
        let files = crate::templates::OpenFiles::of(&self.documents, self.encoding());
        let changed = uri.clone();
        let others = off_thread("template dependents", move || {
            crate::templates::dependents(&changed, &files)
        })
        .await;
        for other in others.unwrap_or_default() {
            self.publish(other, simulate, true).await;
        }
    }

    /// Every open document again (the settings changed).
    async fn republish_all(&self) {
        let open: Vec<Uri> = self.documents.iter().map(|d| d.key().clone()).collect();
        for uri in open {
            self.changed(uri, false).await;
        }
    }

    /// A fresh cancellation flag for analysing `version` of a document, cancelling the analysis
    /// of an older (or the same) version; `None` when a newer version is already under way.
    fn supersede(&self, uri: &Uri, version: i32, rerun: bool) -> Option<Arc<Superseded>> {
        let fresh = Superseded::new();
        let mut entry = self
            .running
            .entry(uri.clone())
            .or_insert_with(|| (version, Arc::clone(&fresh)));
        let (running, flag) = entry.value_mut();
        let fresh_entry = Arc::ptr_eq(flag, &fresh);
        if *running > version || (*running == version && !rerun && !fresh_entry) {
            return None;
        }
        if !fresh_entry {
            flag.set();
            *running = version;
            *flag = Arc::clone(&fresh);
        }
        Some(fresh)
    }

    async fn publish_mock_file(&self, uri: Uri) {
        let Some(doc) = self.snapshot(&uri) else {
            return;
        };
        let version = doc.version;
        let checked_uri = uri.clone();
        let open = self.definition_of_mock_file(&uri);
        let Some(found) = off_thread("mock file", move || {
            let definition = crate::mock_files::definition_of(&checked_uri, open);
            crate::mock_files::diagnostics(&checked_uri, &doc, definition)
        })
        .await
        else {
            return;
        };
        if self.documents.get(&uri).map(|d| d.version) == Some(version) {
            self.client
                .publish_diagnostics(uri, found, Some(version))
                .await;
        }
    }

    /// Analyse the document as it is now and publish, unless it has changed meanwhile: the
    /// checker's diagnostics as soon as they are ready, then, when it simulates, the whole set
    /// with the simulation's (a later publication replaces the earlier), so a typo's squiggle
    /// never waits for a simulation.
    /// `rerun`: analyse even if this version's analysis is under way (the mocks or settings
    /// changed, or a save asks for the simulation an edit skipped).
    async fn publish(&self, uri: Uri, simulate: bool, rerun: bool) {
        let Ok(check_slot) = self.check_slot.acquire().await else {
            return;
        };
        // The text as it is now: an edit that came while this waited is analysed here, and the
        // task that edit started finds its version taken and stops.
        let Some(doc) = self.snapshot(&uri) else {
            return;
        };
        let version = doc.version;
        let Some(cancelled) = self.supersede(&uri, version, rerun) else {
            return;
        };
        let files =
            crate::templates::OpenFiles::for_document(&doc, &self.documents, self.encoding());
        if let Some(files) = files {
            let (template_uri, mocks) = (uri.clone(), self.mock_source(&uri));
            let in_template = Arc::clone(&doc);
            let published = off_thread("template", move || {
                crate::templates::publish(&template_uri, &in_template, &mocks, simulate, &files)
            })
            .await
            .flatten();
            // Nothing for a template without state machines, unless it had some before; a
            // definition file no template names is checked on its own, below.
            let published = match published {
                Some(found) => Some(found),
                None if doc.template.is_none() => None,
                None if self.last_published.contains_key(&uri) => Some(Vec::new()),
                None => return,
            };
            if let Some(published) = published {
                drop(check_slot);
                // Requests on it are answered on its views, not on an analysis of its text.
                self.analyses.remove(&uri);
                self.deliver(&uri, version, &cancelled, published, None)
                    .await;
                return;
            }
        }
        let deny_warnings = self.settings().deny_warnings;
        let (checked_uri, checked_doc) = (uri.clone(), Arc::clone(&doc));
        let Some((checked, published)) = off_thread("check", move || {
            let started = std::time::Instant::now();
            let checked = diagnostics::Analysis::checked_only(&checked_doc, deny_warnings);
            let published = diagnostics::to_lsp(&checked_uri, &checked_doc, &checked);
            let ms = started.elapsed().as_secs_f64() * 1e3;
            tracing::debug!(version = checked_doc.version, ms, "checked");
            (checked, published)
        })
        .await
        else {
            return;
        };
        drop(check_slot);
        if !simulate || !checked.can_simulate() {
            if self
                .deliver(&uri, version, &cancelled, published, Some(checked))
                .await
            {
                self.refresh_lenses().await;
            }
            return;
        }
        if !self
            .deliver(&uri, version, &cancelled, published, None)
            .await
        {
            return;
        }
        // Only once the typing pauses: an edit meanwhile supersedes this version, so a burst of
        // edits is simulated once, at its end, and no simulation (nor its publication, 400 KB
        // on a large file) takes a core from the next edit's check.
        if !cancelled.pause(SIMULATION_PAUSE).await {
            return;
        }
        let Ok(_slot) = self.simulation_slots.acquire().await else {
            return;
        };
        if cancelled.is_set() {
            return;
        }
        let mocks = self.mock_source(&uri);
        let (simulated_uri, flag) = (uri.clone(), Arc::clone(&cancelled.flag));
        let Some((analysis, published)) = off_thread("simulation", move || {
            let started = std::time::Instant::now();
            let analysis = checked.simulated(&mocks, Some(&flag));
            let published = diagnostics::to_lsp(&simulated_uri, &doc, &analysis);
            let ms = started.elapsed().as_secs_f64() * 1e3;
            tracing::debug!(
                version = doc.version,
                ms,
                diagnostics = published.len(),
                "simulated"
            );
            (analysis, published)
        })
        .await
        else {
            return;
        };
        if self
            .deliver(&uri, version, &cancelled, published, Some(analysis))
            .await
        {
            self.refresh_lenses().await;
        }
    }

    /// Publish a version's diagnostics unless the document has moved on (or this analysis was
    /// superseded), keeping `analysis` for the requests on that version. Whether it published.
    async fn deliver(
        &self,
        uri: &Uri,
        version: i32,
        superseded: &Superseded,
        diagnostics: Vec<tower_lsp_server::ls_types::Diagnostic>,
        analysis: Option<diagnostics::Analysis>,
    ) -> bool {
        let lock = Arc::clone(
            self.last_published
                .entry(uri.clone())
                .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(0)))
                .value(),
        );
        let mut last = lock.lock().await;
        let current = self.documents.get(uri).map(|d| d.version);
        if current != Some(version) || superseded.is_set() || *last > version {
            tracing::debug!(uri = uri.as_str(), version, "stale diagnostics dropped");
            return false;
        }
        if let Some(analysis) = analysis {
            self.analyses.insert(uri.clone(), Arc::new(analysis));
        }
        self.client
            .publish_diagnostics(uri.clone(), diagnostics, Some(version))
            .await;
        *last = version;
        true
    }

    /// The lens on StartAt shows the last analysis's runs: have the editor ask again.
    async fn refresh_lenses(&self) {
        if self.can_refresh_lenses.get() == Some(&true) {
            if let Err(e) = self.client.code_lens_refresh().await {
                tracing::debug!("code lens refresh: {e}");
            }
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .and_then(|g| g.position_encodings)
            .unwrap_or_default();
        let (encoding, kind) = if offered.contains(&PositionEncodingKind::UTF8) {
            (PositionEncoding::Utf8, PositionEncodingKind::UTF8)
        } else {
            (PositionEncoding::Utf16, PositionEncodingKind::UTF16)
        };
        let _ = self.encoding.set(encoding);
        #[allow(deprecated)] // root_uri: for clients without workspace folders
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.as_str().to_string())
            .or_else(|| params.root_uri.as_ref().map(|u| u.as_str().to_string()));
        if let Some(root) = root {
            let _ = self.root.set(root);
        }
        if let Some(options) = &params.initialization_options {
            self.set_settings(options);
        }
        let _ = self.can_refresh_lenses.set(
            params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
        );
        let _ = self.completion_edits.set(completion::ClientEdits {
            applies_ranges: params
                .capabilities
                .text_document
                .as_ref()
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.insert_replace_support)
                .unwrap_or(false),
        });
        let _ = self.can_watch.set(
            params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
        );
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(kind),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: commands::COMMANDS
                        .iter()
                        .map(|c| (*c).to_string())
                        .collect(),
                    ..ExecuteCommandOptions::default()
                }),
                document_formatting_provider: Some(OneOf::Left(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec!["\"".into(), ".".into(), ":".into()]),
                    ..CompletionOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "asl-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("asl-lsp {} ready", env!("CARGO_PKG_VERSION"));
        if self.can_watch.get() == Some(&true) {
            // Mock files edited outside the editor re-run the simulations that read them.
            let watchers = ["**/*.mocks.json", "**/MockConfigFile.json"]
                .into_iter()
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob.into()),
                    kind: None,
                })
                .collect();
            let registration = Registration {
                id: "asl-mock-files".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            };
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                tracing::warn!("the client refused file watchers: {e}");
            }
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.set_settings(&params.settings);
        self.in_background(|state| async move { state.republish_all().await });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        // An open mock file is read from the editor, not from disk.
        let changed: Vec<Uri> = params
            .changes
            .into_iter()
            .map(|c| c.uri)
            .filter(|uri| !self.documents.contains_key(uri))
            .collect();
        self.in_background(|state| async move {
            for uri in changed {
                state.republish_readers_of(uri.as_str()).await;
            }
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let format = format_of(&doc.uri, &doc.language_id);
        let mut document = Document::new(&doc.text, doc.version, format);
        document.template = crate::templates::kind_of(&doc.uri, &doc.language_id, &doc.text);
        self.documents.insert(doc.uri.clone(), document);
        self.in_background(|state| async move { state.changed(doc.uri, false).await });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let encoding = self.encoding();
        {
            let Some(mut doc) = self.documents.get_mut(&uri) else {
                tracing::warn!(uri = uri.as_str(), "change to a document that is not open");
                return;
            };
            for change in &params.content_changes {
                doc.apply(change.range, &change.text, encoding);
            }
            doc.set_version(params.text_document.version);
        }
        self.in_background(|state| async move { state.changed(uri, true).await });
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        self.in_background(|state| async move { state.changed(uri, false).await });
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let cached = self.published(&at.text_document.uri);
        let mocks = self.mock_source(&at.text_document.uri);
        Ok(self
            .at_position("hover", at, move |_, d, position| {
                let analysis = match cached.filter(|a| a.version == d.version) {
                    Some(analysis) => analysis,
                    None => Arc::new(diagnostics::analyse(d, &mocks, true, None)),
                };
                hover::hover(d, &analysis, position)
            })
            .await
            .flatten())
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let client = self.completion_edits.get().copied().unwrap_or_default();
        if self.settings().is_mock_file(&at.text_document.uri) {
            let definition = self.definition_of_mock_file(&at.text_document.uri);
            return Ok(self
                .at_position("completion", at, move |uri, d, position| {
                    let states = diagnostics::states_for_mock_file(uri, definition);
                    completion::complete_mock_file(d, &states, position, client)
                })
                .await
                .map(CompletionResponse::List));
        }
        Ok(self
            .at_position("completion", at, move |_, d, position| {
                completion::complete(d, position, client)
            })
            .await
            .map(CompletionResponse::List))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        Ok(self
            .at_position("definition", at, |uri, d, position| {
                navigation::locations(uri, d, position, false)
            })
            .await
            .and_then(|l| l.into_iter().next())
            .map(GotoDefinitionResponse::Scalar))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        Ok(self
            .at_position("references", at, |uri, d, position| {
                navigation::locations(uri, d, position, true)
            })
            .await)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let new_name = params.new_name;
        Ok(self
            .at_position(
                "rename",
                params.text_document_position,
                move |uri, d, position| navigation::rename(uri, d, position, &new_name),
            )
            .await
            .flatten())
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .on_document("symbols", params.text_document.uri, |_, d| {
                navigation::symbols(d)
            })
            .await
            .map(DocumentSymbolResponse::Nested))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let wanted = params.range;
        let cached = self.published(&params.text_document.uri);
        Ok(self
            .on_document("code actions", params.text_document.uri, move |uri, d| {
                // The checker's findings for this version: published, or found afresh.
                let found = match cached.filter(|a| a.version == d.version) {
                    Some(analysis) => analysis.checked.diagnostics.clone(),
                    None => diagnostics::checked(d).diagnostics,
                };
                code_actions::quick_fixes(uri, d, &found, wanted)
            })
            .await)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let Some(analysis) = self.published(&uri) else {
            return Ok(None);
        };
        Ok(self
            .on_document("code lens", uri, move |uri, d| {
                code_lens::lenses(uri, d, &analysis)
            })
            .await)
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        let request = commands::Request::parse(&params.command, &params.arguments)?;
        let uri = request.uri.clone();
        let Some(doc) = self.snapshot(&uri) else {
            return Err(commands::not_open(&uri));
        };
        let cached = self
            .published(&uri)
            .filter(|a| a.version == doc.version && a.simulated);
        let mocks = self.mock_source(&uri);
        let answer = off_thread("simulate command", move || {
            let analysis =
                cached.unwrap_or_else(|| Arc::new(diagnostics::analyse(&doc, &mocks, true, None)));
            commands::run(&request, &analysis)
        })
        .await;
        match answer {
            Some(result) => result.map(Some),
            None => Err(tower_lsp_server::jsonrpc::Error::internal_error()),
        }
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let options = params.options;
        Ok(self
            .on_document("formatting", params.text_document.uri, move |_, d| {
                formatting::format(d, &options)
            })
            .await
            .flatten())
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.documents.remove(&uri);
        self.analyses.remove(&uri);
        if let Some((_, running)) = self.running.remove(&uri) {
            running.1.set();
        }
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }
}
