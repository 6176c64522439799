//! Which API 3.0 service a client talks to, as a value: the runtime signs, sends and decodes
//! the same way for every service, and the generated code (or a credentials provider, for STS)
//! says which one.

/// A Tencent Cloud API 3.0 service: what a request needs beside the action and its body.
///
/// The generated crate passes its own (`Config::builder()` is
/// `ConfigBuilder::for_service(&<the crate's identity>)`); a client for another service, such
/// as the one behind [`Client::call_json`](crate::Client::call_json), starts from
/// [`ConfigBuilder::for_service`](crate::ConfigBuilder::for_service) with its identity.
///
/// ```
/// use tencentcloud_iai::runtime::service::ServiceIdentity;
///
/// static CVM: ServiceIdentity = ServiceIdentity::new("cvm", "2017-03-12", "cvm.tencentcloudapi.com")
///     .with_endpoint_env("TENCENTCLOUD_CVM_ENDPOINT");
/// assert_eq!(CVM.name(), "cvm");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceIdentity {
    name: &'static str,
    version: &'static str,
    default_host: &'static str,
    endpoint_env: Option<&'static str>,
}

impl ServiceIdentity {
    /// `name` is the service's short name, used in the signature's credential scope (`iai`,
    /// `sts`); `version` is sent as `X-TC-Version`; `default_host` is used when no endpoint is
    /// configured.
    pub const fn new(
        name: &'static str,
        version: &'static str,
        default_host: &'static str,
    ) -> Self {
        ServiceIdentity {
            name,
            version,
            default_host,
            endpoint_env: None,
        }
    }

    /// The environment variable `ConfigBuilder::from_env` reads an endpoint URL from.
    pub const fn with_endpoint_env(mut self, variable: &'static str) -> Self {
        self.endpoint_env = Some(variable);
        self
    }

    /// The name in the signature's credential scope, e.g. `iai`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The API version, sent as `X-TC-Version`.
    pub const fn version(&self) -> &'static str {
        self.version
    }

    /// The host requests go to when no endpoint is configured.
    pub const fn default_host(&self) -> &'static str {
        self.default_host
    }

    /// The variable holding an endpoint URL override, if the service has one.
    pub const fn endpoint_env(&self) -> Option<&'static str> {
        self.endpoint_env
    }
}

#[cfg(test)]
mod tests {
    /// The runtime serves any service: it names no generated item; the generated code passes
    /// its service in as a value.
    #[test]
    fn the_runtime_knows_no_generated_name() {
        let runtime = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/runtime");
        let mut stack = vec![runtime];
        let mut checked = 0;
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Spelled in two pieces so this file does not match itself.
            for needle in [concat!("crate::", "generated"), concat!("generated", "::")] {
                assert!(
                    !text.contains(needle),
                    "{} mentions `{needle}`",
                    path.display()
                );
            }
            checked += 1;
        }
        assert!(checked > 20, "only {checked} files found");
    }
}
