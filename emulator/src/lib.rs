//! A local, stateful Tencent Cloud Face Recognition (IAI, API 2020-03-03) service for
//! integration tests: it keeps groups, persons and faces, answers every action of the spec in
//! the real wire format with the real error codes, and works with this repository's client,
//! the official SDKs and tccli alike.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use tencentcloud_iai_emulator::Emulator;
//!
//! let emulator = Emulator::builder().start().await?;
//! let client = tencentcloud_iai::Client::new(emulator.client_config()?);
//! client.create_group().group_name("Staff").group_id("staff").send().await?;
//! # Ok(()) }
//! ```
//!
//! # The gateway
//!
//! POST (JSON) and GET (query string, lists as `Name.0=..`) at `/`; TC3-HMAC-SHA256 verified
//! byte for byte (`AuthFailure.SecretIdNotFound`, `AuthFailure.SignatureFailure`,
//! `AuthFailure.SignatureExpire` beyond 5 minutes of skew, `AuthFailure.TokenFailure` for
//! temporary credentials without their `X-TC-Token` or past their expiry); `X-TC-Version` and `X-TC-Action` checked
//! (`NoSuchVersion`, `InvalidAction`); bodies over 10 MB refused (`RequestSizeLimitExceeded`);
//! parameters decoded and validated through the generated request type (`MissingParameter`,
//! `InvalidParameter` for unknown or mistyped ones, `InvalidParameterValue` for broken
//! constraints); a fresh `RequestId` and a `Date` header on every answer. Every successful
//! answer is checked against the generated response type before it is sent.
//!
//! # Faces without a face model: the contract
//!
//! The emulator reads only an image's format and size: PNG, JPEG and BMP are accepted,
//! anything else is `FailedOperation.ImageDecodeFailed`, an empty image
//! `InvalidParameterValue.ImageEmpty`. An image may carry a **marker** in its metadata:
//!
//! - PNG: a `tEXt` chunk with keyword `iai-emulator` and text
//!   `person=<name>[; faces=<n>][; quality=<0-100>][; live=<true|false>]`;
//! - JPEG: a `COM` segment with the text `iai-emulator: ` followed by the same.
//!
//! [`testimage`] makes such files ([`testimage::marked_png`], [`testimage::marked_jpeg`]).
//! The rules:
//!
//! - Two faces are the same person when their markers' `person=` names are equal, or, without
//!   markers, when the image bytes are equal. The same image scores 100, the same person in
//!   another image 99.x, different people a deterministic score below 30.
//! - `faces=<n>` (default 1) is the number of faces; the first is the marked person, the others
//!   strangers unique to the image. `faces=0` → `InvalidParameterValue.NoFaceInPhoto`.
//!   Face boxes are placed side by side inside the image's real width and height.
//! - `quality=` (default 90) is the face quality; `QualityControl` 1/2/3/4 require 30/50/70/90
//!   (`FailedOperation.FaceQualityNotQualified`, or `RetCode` -1601 in CreateFace).
//! - `live=` (default true): DetectLiveFaceAccurate scores live faces 90–99.9, others 0–9.9.
//! - An image given by `Url` is never fetched: the URL string stands for the image (same URL,
//!   same person), 640×480 with one face of quality 90. `Url` wins over `Image` when both are set.
//! - Detection and analysis answer deterministic, plausible values derived from the identity,
//!   so the same person always gets the same attributes.
//!
//! # Semantics
//!
//! Actions with modelled semantics are listed in [`semantics::MODELLED`]; any other action in
//! the spec (e.g. one added later) answers its first successful spec example, so a spec-only
//! addition is served at once. `GET /_emulator/actions` lists which is which.
//!
//! # Temporary credentials: STS and the CVM metadata server
//!
//! On the same port, the emulator plays STS ([`sts`]: `AssumeRole` for the roles of
//! [`EmulatorBuilder::sts_role`], `AssumeRoleWithWebIdentity` for
//! [`EmulatorBuilder::oidc_provider`]) and the CVM metadata server ([`metadata`], for
//! [`EmulatorBuilder::cvm_role`]). What they issue ([`issued`]) the gateway accepts with its
//! token until it expires ([`EmulatorBuilder::issued_credentials_lifetime`]), then refuses with
//! `AuthFailure.TokenFailure`. [`RunningEmulator::issued_credentials_by_source`] counts the
//! fetches; [`RunningEmulator::expire_issued_credentials`] ends them at once.
//!
//! # Faults, admin API, persistence
//!
//! See [`faults`] (scripted errors, delays, dropped connections before or after the action,
//! HTTP 5xx, truncated or slow bodies, raw answers, throttling; counted by kind),
//! [`RunningEmulator::refuse_next_connections`], [`EmulatorBuilder::on_write`] (every write
//! the emulator runs, for counting repeats over runs longer than the journal keeps) and
//! [`EmulatorBuilder::clock_skew_secs`], [`journal`] (what each call sent, for assertions),
//! [`admin`] (`/_emulator/` routes) and [`EmulatorBuilder::state_file`].
//!
//! # The dashboard
//!
//! [`RunningEmulator::dashboard_url`] (`/_emulator/` on the same port, like the admin API)
//! shows the account in a browser: groups, persons and faces with the images they were made
//! from (kept up to [`EmulatorBuilder::image_memory_cap_bytes`]), the journal live, a load
//! chart, the fault plan and clock as forms, and which actions are modelled.

pub mod admin;
mod clock;
mod dashboard;
pub mod faults;
mod gateway;
pub mod image;
mod images;
pub mod issued;
pub mod journal;
mod legacy;
mod load;
pub mod metadata;
mod query;
pub mod semantics;
mod server;
pub mod state;
pub mod sts;
pub mod tc3;
pub mod testimage;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use serde_json::{Map, Value};

pub use faults::{ActionFaults, FaultPlan, FaultStep, Faults, RawReply, THROTTLED};
pub use image::Marker;
pub use issued::{CredentialSource, IssuedCredentialCounts, IssuedCredentials};
pub use journal::RecordedCall;
pub use state::{State, StateFile, StateFileError};
pub use sts::OidcProvider;

use semantics::{Answer, ApiError, Params};

/// The SecretId every emulator accepts unless told otherwise.
pub const DEFAULT_SECRET_ID: &str = "AKIDiaiEmulatorTestOnly0000000000000";
/// The SecretKey of [`DEFAULT_SECRET_ID`].
pub const DEFAULT_SECRET_KEY: &str = "iaiEmulatorTestOnlySecretKey00000";

/// A key pair the emulator accepts; with a token, calls must send it as `X-TC-Token`.
#[derive(Clone, PartialEq, Eq)]
pub struct TestCredentials {
    pub secret_id: String,
    pub secret_key: String,
    pub token: Option<String>,
}

impl TestCredentials {
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        TestCredentials {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
        }
    }

    /// Temporary credentials: calls must carry `token`.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }
}

impl std::fmt::Debug for TestCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCredentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"** redacted **")
            .field("token", &self.token.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// Why the emulator did not start.
#[derive(Debug)]
pub enum StartError {
    /// The state file exists but cannot be read as a state; it was left untouched.
    StateFile(StateFileError),
    /// The address could not be bound.
    Bind(std::io::Error),
    /// The TLS certificate or key cannot be used.
    Tls(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::StateFile(e) => e.fmt(f),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::Tls(e) => write!(f, "cannot serve HTTPS: {e}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::StateFile(e) => Some(e),
            StartError::Bind(e) => Some(e),
            StartError::Tls(_) => None,
        }
    }
}

/// A write action the emulator ran, as [`EmulatorBuilder::on_write`] sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct ExecutedWrite<'a> {
    /// The action, e.g. `CreatePerson`.
    pub action: &'a str,
    /// Its parameters by API name, as checked against the spec.
    pub params: &'a Map<String, Value>,
    /// Whether it changed the account; false when the action answered an error (e.g.
    /// `InvalidParameterValue.PersonIdAlreadyExist` for a repeated `CreatePerson`).
    pub applied: bool,
}

/// The callback of [`EmulatorBuilder::on_write`].
#[derive(Clone)]
struct WriteObserver(Arc<dyn Fn(&ExecutedWrite<'_>) + Send + Sync>);

impl std::fmt::Debug for WriteObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteObserver")
    }
}

/// Configures an emulator; [`Emulator::builder`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    addr: SocketAddr,
    credentials: Vec<TestCredentials>,
    state_file: Option<PathBuf>,
    faults: FaultPlan,
    tls: Option<(PathBuf, PathBuf)>,
    clock_skew_secs: i64,
    journal_capacity: usize,
    image_memory_cap_bytes: usize,
    cvm_role: Option<String>,
    sts_roles: Vec<String>,
    oidc_providers: Vec<OidcProvider>,
    oidc_token_expired: bool,
    issued_credentials_lifetime: Option<Duration>,
    write_observer: Option<WriteObserver>,
}

/// Entry point: `Emulator::builder().start().await`.
pub struct Emulator;

impl Emulator {
    /// `127.0.0.1:0` (a free port), the default test key pair, no state file, no faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: Vec::new(),
            state_file: None,
            faults: FaultPlan::new(),
            tls: None,
            clock_skew_secs: 0,
            journal_capacity: 1000,
            image_memory_cap_bytes: images::DEFAULT_MEMORY_CAP_BYTES,
            cvm_role: None,
            sts_roles: Vec::new(),
            oidc_providers: Vec::new(),
            oidc_token_expired: false,
            issued_credentials_lifetime: None,
            write_observer: None,
        }
    }
}

impl EmulatorBuilder {
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Accepts this key pair (may be repeated). Without any, the default pair is accepted.
    pub fn credentials(mut self, credentials: TestCredentials) -> Self {
        self.credentials.push(credentials);
        self
    }

    /// Keeps the account in `path`: loaded at start (missing: empty; corrupt: refused), and
    /// every acknowledged write is on disk (temporary file, fsync, rename) before its answer.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Serves HTTPS with this certificate chain and private key (PEM files), for clients that
    /// only speak HTTPS, such as tccli.
    pub fn tls(mut self, cert_pem: impl Into<PathBuf>, key_pem: impl Into<PathBuf>) -> Self {
        self.tls = Some((cert_pem.into(), key_pem.into()));
        self
    }

    /// Faults to start with.
    pub fn faults(mut self, plan: FaultPlan) -> Self {
        self.faults = plan;
        self
    }

    /// Sets the emulator's clock this many seconds off the system clock (signature expiry and
    /// the `Date` header follow it).
    pub fn clock_skew_secs(mut self, skew: i64) -> Self {
        self.clock_skew_secs = skew;
        self
    }

    /// How many calls [`RunningEmulator::requests`] keeps (default 1000; 0 keeps none).
    pub fn journal_capacity(mut self, calls: usize) -> Self {
        self.journal_capacity = calls;
        self
    }

    /// How many bytes of the images it was sent the emulator keeps for the dashboard
    /// (default 64 MiB; 0 keeps none). Past it, the images kept longest are dropped first and
    /// the dashboard shows a placeholder for them.
    pub fn image_memory_cap_bytes(mut self, bytes: usize) -> Self {
        self.image_memory_cap_bytes = bytes;
        self
    }

    /// Plays the CVM metadata server for an instance with this role: `GET
    /// /latest/meta-data/cam/security-credentials/` answers `name`, and
    /// `.../security-credentials/<name>` rotating temporary credentials (see [`metadata`]).
    /// Without it, both answer 404. Point clients at it with
    /// `TENCENTCLOUD_METADATA_ENDPOINT=`[`RunningEmulator::url`].
    pub fn cvm_role(mut self, name: impl Into<String>) -> Self {
        self.cvm_role = Some(name.into());
        self
    }

    /// A role STS can hand out (may be repeated), by its exact `RoleArn`, e.g.
    /// `qcs::cam::uin/100000000001:roleName/ci`. `AssumeRole` (signed for service `sts` by
    /// any accepted key, issued ones included) and `AssumeRoleWithWebIdentity` both refuse
    /// other roles with `ResourceNotFound.RoleNotFound`. See [`sts`]; point clients at it
    /// with `TENCENTCLOUD_STS_ENDPOINT=`[`RunningEmulator::url`].
    pub fn sts_role(mut self, role_arn: impl Into<String>) -> Self {
        self.sts_roles.push(role_arn.into());
        self
    }

    /// An OIDC identity provider for `AssumeRoleWithWebIdentity` (may be repeated): calls
    /// naming `provider_id` must carry exactly `web_identity_token`, else
    /// `InvalidParameter.WebIdentityTokenError`. The role asked for must be an
    /// [`Self::sts_role`].
    pub fn oidc_provider(
        mut self,
        provider_id: impl Into<String>,
        web_identity_token: impl Into<String>,
    ) -> Self {
        self.oidc_providers.push(OidcProvider {
            provider_id: provider_id.into(),
            web_identity_token: web_identity_token.into(),
        });
        self
    }

    /// Treats every web identity token as expired (`InvalidParameter.WebIdentityTokenError`);
    /// [`RunningEmulator::set_oidc_token_expired`] changes it later.
    pub fn oidc_token_expired(mut self, expired: bool) -> Self {
        self.oidc_token_expired = expired;
        self
    }

    /// How long every issued temporary credential (STS and metadata) lives, whatever
    /// `DurationSeconds` asked for (default: what it asked for; metadata 6 hours). After
    /// it, the gateway refuses calls signed with them with `AuthFailure.TokenFailure`.
    /// `ExpiredTime` is in whole seconds; the gateway checks the exact instant.
    pub fn issued_credentials_lifetime(mut self, lifetime: Duration) -> Self {
        self.issued_credentials_lifetime = Some(lifetime);
        self
    }

    /// Calls `observe` each time a write action runs (whether it changed the account or
    /// answered an error), before its answer is sent, and whatever a fault then does to that
    /// answer. Unlike the bounded journal it forgets nothing: a load test counts with it which
    /// writes the service executed more than once. Keep it quick; it runs on the server's
    /// threads.
    pub fn on_write(
        mut self,
        observe: impl Fn(&ExecutedWrite<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.write_observer = Some(WriteObserver(Arc::new(observe)));
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<RunningEmulator, StartError> {
        let tls = match &self.tls {
            Some((cert, key)) => Some(server::tls_acceptor(cert, key).map_err(StartError::Tls)?),
            None => None,
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let state_file = self.state_file.map(StateFile::new);
        let state = match &state_file {
            Some(file) => file.load().map_err(StartError::StateFile)?,
            None => State::default(),
        };
        let credentials = if self.credentials.is_empty() {
            vec![TestCredentials::new(DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY)]
        } else {
            self.credentials
        };
        let faults = Faults::default();
        faults.set(&self.faults);
        let shared = Arc::new(Shared {
            credentials,
            state: RwLock::new(state),
            state_file,
            faults,
            request_ids: gateway::RequestIds::new(),
            clock: clock::Clock::new(self.clock_skew_secs),
            journal: journal::Journal::new(self.journal_capacity),
            images: images::ImageStore::new(self.image_memory_cap_bytes),
            load: load::Load::default(),
            connections: server::Connections::default(),
            issued: issued::IssuedStore::new(self.issued_credentials_lifetime),
            sts: sts::Sts {
                roles: self.sts_roles,
                providers: self.oidc_providers,
                tokens_expired: self.oidc_token_expired.into(),
            },
            metadata: metadata::Metadata::new(self.cvm_role),
            write_observer: self.write_observer,
        });
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let task = tokio::spawn(server::serve(listener, shared.clone(), tls));
        Ok(RunningEmulator {
            addr,
            scheme,
            shared,
            task,
        })
    }
}

/// A running emulator. Dropping it stops accepting connections.
pub struct RunningEmulator {
    addr: SocketAddr,
    scheme: &'static str,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningEmulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (`https://` when serving TLS). Also the STS endpoint
    /// (`TENCENTCLOUD_STS_ENDPOINT`) and the metadata server (`TENCENTCLOUD_METADATA_ENDPOINT`).
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The first accepted key pair.
    pub fn credentials(&self) -> &TestCredentials {
        &self.shared.credentials[0]
    }

    /// A client configuration pointed at this emulator with its first key pair.
    pub fn client_config(&self) -> Result<tencentcloud_iai::Config, tencentcloud_iai::ConfigError> {
        self.client_config_builder()?.build()
    }

    /// The builder behind [`client_config`](Self::client_config), for a test that also sets
    /// attempts, timeouts or backoff before `.build()`.
    pub fn client_config_builder(
        &self,
    ) -> Result<tencentcloud_iai::ConfigBuilder, tencentcloud_iai::ConfigError> {
        let c = self.credentials();
        let mut credentials = tencentcloud_iai::Credentials::new(&c.secret_id, &c.secret_key);
        if let Some(token) = &c.token {
            credentials = credentials.with_session_token(token);
        }
        Ok(tencentcloud_iai::Config::builder()
            .credentials(credentials)
            .endpoint(tencentcloud_iai::Endpoint::parse(&self.url())?))
    }

    /// The live faults: script steps, throttles, and the counts of those injected.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// The calls received at `/`, oldest first (bounded: see [`journal`]).
    pub fn requests(&self) -> Vec<RecordedCall> {
        self.shared.journal.calls()
    }

    /// How many recorded calls named `action` (STS actions such as `AssumeRole` included).
    pub fn request_count(&self, action: &str) -> usize {
        self.shared.journal.count(action)
    }

    /// How many requests reached the metadata server's paths (`/latest/...`), whatever they
    /// were answered; counted apart from the journal, so never forgotten.
    pub fn metadata_request_count(&self) -> usize {
        self.shared.metadata.request_count()
    }

    /// How many temporary credentials were issued so far, from every source: STS
    /// `AssumeRole`, `AssumeRoleWithWebIdentity`, and each rotation of the metadata
    /// server's credentials (a metadata GET answering the current ones issues nothing).
    pub fn issued_credentials_count(&self) -> usize {
        self.shared.issued.counts().total()
    }

    /// [`Self::issued_credentials_count`] by source.
    pub fn issued_credentials_by_source(&self) -> IssuedCredentialCounts {
        self.shared.issued.counts()
    }

    /// Makes every credential issued so far expire now (without waiting for their
    /// lifetime); the metadata server then hands out new ones.
    pub fn expire_issued_credentials(&self) {
        self.shared.issued.expire_all(self.shared.clock.now())
    }

    /// See [`EmulatorBuilder::oidc_token_expired`].
    pub fn set_oidc_token_expired(&self, expired: bool) {
        self.shared.sts.set_tokens_expired(expired)
    }

    pub fn clear_requests(&self) {
        self.shared.journal.clear()
    }

    /// Closes the next `n` connections as soon as they are accepted, before reading anything:
    /// to the client, a connection reset (or, on a reused connection, a close).
    pub fn refuse_next_connections(&self, n: usize) {
        self.shared.connections.refuse_next(n)
    }

    /// Connections closed unread so far by [`Self::refuse_next_connections`].
    pub fn refused_connection_count(&self) -> usize {
        self.shared.connections.refused()
    }

    /// Connections accepted so far (refused ones included).
    pub fn connection_count(&self) -> usize {
        self.shared.connections.accepted()
    }

    /// Moves the emulator's clock; see [`EmulatorBuilder::clock_skew_secs`].
    pub fn set_clock_skew_secs(&self, skew: i64) {
        self.shared.clock.set_skew_secs(skew)
    }

    /// A copy of the whole account.
    pub fn state(&self) -> State {
        self.shared.read_state().clone()
    }

    /// The dashboard's address: `url()` + `/_emulator/`.
    pub fn dashboard_url(&self) -> String {
        format!("{}/_emulator/", self.url())
    }

    /// Empties the account, clears the faults (and their counts), the recorded calls and the kept images. Issued temporary
    /// credentials stay valid and their counts are kept.
    pub async fn reset(&self) -> std::io::Result<()> {
        self.shared.reset().await
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What every connection shares.
pub(crate) struct Shared {
    credentials: Vec<TestCredentials>,
    state: RwLock<State>,
    state_file: Option<StateFile>,
    faults: Faults,
    request_ids: gateway::RequestIds,
    clock: clock::Clock,
    journal: journal::Journal,
    images: images::ImageStore,
    load: load::Load,
    connections: server::Connections,
    issued: issued::IssuedStore,
    sts: sts::Sts,
    metadata: metadata::Metadata,
    write_observer: Option<WriteObserver>,
}

impl Shared {
    fn read_state(&self) -> RwLockReadGuard<'_, State> {
        // Handlers never panic half-way through a change (they check, then change).
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write_state(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs a write action; with a state file, a successful change is on disk before this
    /// returns, and a change that cannot be saved is undone and answered `InternalError`.
    async fn write(
        self: &Shared,
        action: &str,
        write: fn(&mut State, &Params) -> Answer,
        params: Map<String, Value>,
    ) -> Answer {
        let answer = self.write_to_state(write, &params);
        if let Some(WriteObserver(observe)) = &self.write_observer {
            observe(&ExecutedWrite {
                action,
                params: &params,
                applied: answer.is_ok(),
            });
        }
        answer
    }

    fn write_to_state(
        &self,
        write: fn(&mut State, &Params) -> Answer,
        params: &Map<String, Value>,
    ) -> Answer {
        let Some(file) = &self.state_file else {
            return write(&mut self.write_state(), &Params(params));
        };
        blocking(|| {
            let mut state = self.write_state();
            let before = state.clone();
            let answer = write(&mut state, &Params(params))?;
            if let Err(e) = file.save(&state) {
                *state = before;
                return Err(ApiError::new(
                    "InternalError",
                    format!("the emulator could not save its state file: {e}"),
                ));
            }
            Ok(answer)
        })
    }

    async fn reset(&self) -> std::io::Result<()> {
        self.faults.reset();
        self.journal.clear();
        self.images.clear();
        self.load.clear();
        self.connections.refuse_next(0);
        let mut state = self.write_state();
        *state = State::default();
        match &self.state_file {
            Some(file) => blocking(|| file.save(&state)),
            None => Ok(()),
        }
    }
}

/// Runs file I/O that must finish before the answer: off the async workers where the runtime
/// allows it (multi-threaded), in place on a current-thread runtime.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}
