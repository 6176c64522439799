//! The clap command tree, built from the generated action table: one subcommand per action
//! (also reachable by its API name), plus `completion` and `configure`. Global flags may come
//! before or after the action.

use clap::builder::PossibleValuesParser;
use clap::{value_parser, Arg, ArgAction, Command, ValueHint};

use super::error::EXIT_CODES_HELP;
use super::help;
use super::input::INPUT_JSON;
use super::output::Format;
use super::table::{ActionInfo, ParamInfo, ParamKind, ACTIONS};

pub const OUTPUT: &str = "output";
pub const QUERY: &str = "query";
pub const PROFILE: &str = "profile";
pub const REGION: &str = "region";
pub const ENDPOINT: &str = "endpoint";
pub const TIMEOUT: &str = "timeout";
pub const LANGUAGE: &str = "language";
pub const DRY_RUN: &str = "dry-run";
pub const SKELETON: &str = "generate-skeleton";
pub const ALL_PAGES: &str = "all-pages";
pub const COMPLETION: &str = "completion";
pub const SHELL: &str = "shell";
pub const CONFIGURE: &str = "configure";
pub const CALL: &str = "call";
pub const CALL_ACTION: &str = "action";

/// Flags every action has; a spec parameter may not take one of these names.
#[cfg(test)]
pub const RESERVED_FLAGS: &[&str] = &[
    OUTPUT, QUERY, PROFILE, REGION, ENDPOINT, TIMEOUT, LANGUAGE, DRY_RUN, SKELETON, ALL_PAGES,
    INPUT_JSON, "help", "version",
];

const ABOUT: &str = "Tencent Cloud Face Recognition (IAI) from the command line";

const AFTER_HELP: &str = "\
Credentials: --profile NAME reads `~/.tencentcloud/credentials` (section NAME) or tccli's
`~/.tccli/NAME.credential`; without it, TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY
[/ TENCENTCLOUD_SESSION_TOKEN], then the `default` profile of either file (role_arn: assumed),
then TKE OIDC (TKE_* variables), then the CVM instance's role. Region: --region,
TENCENTCLOUD_REGION, then the profile's tccli configuration. Endpoint: --endpoint, then
TENCENTCLOUD_IAI_ENDPOINT.

`iai help <ACTION>` or `iai <ACTION> --help` describes an action, its parameters and examples.";

/// The whole tree, every action in full (for completion scripts and checks).
pub fn build() -> Command {
    build_for(|_| true)
}

/// The tree with only the actions `detailed` picks in full: the others get their name and
/// title, all that overview help and parsing of another action need. Building every
/// parameter's help costs most of the start-up time.
pub fn build_for(detailed: impl Fn(&ActionInfo) -> bool) -> Command {
    let mut root = Command::new("iai")
        // Not argv[0]: help and completions name the command `iai` however it was invoked.
        .bin_name("iai")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(format!("{AFTER_HELP}\n\n{EXIT_CODES_HELP}"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand_value_name("ACTION")
        .subcommand_help_heading("Actions")
        .args(global_args());
    for action in ACTIONS {
        root = root.subcommand(if detailed(action) {
            action_command(action)
        } else {
            Command::new(action.command)
                .alias(action.name)
                .about(action.title)
        });
    }
    root.subcommand(
        Command::new(COMPLETION)
            .about("Print a shell completion script: `source <(iai completion bash)`")
            .arg(
                Arg::new(SHELL)
                    .required(true)
                    .value_parser(["bash", "zsh", "fish"]),
            ),
    )
    .subcommand(
        Command::new(CALL)
            .about("Call any action of the service by its API name, with --input-json: for actions this version does not describe yet")
            .arg(
                Arg::new(CALL_ACTION)
                    .required(true)
                    .value_name("ACTION")
                    .help("The action's API name, e.g. GetGroupList"),
            )
            .arg(
                Arg::new(INPUT_JSON)
                    .long(INPUT_JSON)
                    .value_name("JSON|@FILE|-")
                    .value_hint(ValueHint::FilePath)
                    .help_heading("Input")
                    .help("Parameters as a JSON object with API names (`-` reads stdin); default {}"),
            ),
    )
    .subcommand(
        Command::new(CONFIGURE)
            .about("Save credentials (and --region) to a tccli profile, `~/.tccli/<profile>.credential` (mode 0600)")
            .long_about(
                "Save credentials (and --region) to a profile in tccli's format: \
                 `~/.tccli/<profile>.credential` (mode 0600) and `~/.tccli/<profile>.configure`. \
                 Reads the SecretId and SecretKey from the terminal (the key is not echoed), or \
                 one per line from stdin.",
            ),
    )
}

fn global_args() -> [Arg; 8] {
    let global = |arg: Arg| arg.global(true).help_heading("Global options");
    [
        global(
            Arg::new(OUTPUT)
                .long(OUTPUT)
                .value_name("FORMAT")
                .value_parser(Format::NAMES)
                .help("Output format (default json, keys in API order)"),
        ),
        global(
            Arg::new(QUERY).long(QUERY).value_name("JMESPATH").help(
                "Print only what this JMESPath expression selects, e.g. `GroupInfos[].GroupId`",
            ),
        ),
        global(
            Arg::new(PROFILE)
                .long(PROFILE)
                .value_name("NAME")
                .help("Credentials profile (official SDK file or tccli's)"),
        ),
        global(
            Arg::new(REGION)
                .long(REGION)
                .value_name("REGION")
                .help("Region, e.g. ap-guangzhou"),
        ),
        global(
            Arg::new(ENDPOINT)
                .long(ENDPOINT)
                .value_name("URL")
                .value_hint(ValueHint::Url)
                .help("Endpoint URL; wins over TENCENTCLOUD_IAI_ENDPOINT"),
        ),
        global(
            Arg::new(TIMEOUT)
                .long(TIMEOUT)
                .value_name("SECONDS")
                .value_parser(parse_timeout)
                .help("Time limit for the whole call, retries included (default 60)"),
        ),
        global(
            Arg::new(LANGUAGE)
                .long(LANGUAGE)
                .value_name("LANG")
                .value_parser(["en-US", "zh-CN"])
                .help("Language of error messages"),
        ),
        global(
            Arg::new(DRY_RUN)
                .long(DRY_RUN)
                .action(ArgAction::SetTrue)
                .help("Print the signed request instead of sending it"),
        ),
    ]
}

fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| "expected seconds, e.g. 10 or 2.5")?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err("expected more than 0 and at most 86400 seconds".to_owned());
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

fn action_command(action: &'static ActionInfo) -> Command {
    let mut command = Command::new(action.command)
        .alias(action.name)
        .about(action.title)
        .long_about(help::long_about(action))
        .args(action.params.iter().map(param_arg))
        .arg(
            Arg::new(INPUT_JSON)
                .long(INPUT_JSON)
                .value_name("JSON|@FILE|-")
                .value_hint(ValueHint::FilePath)
                .help_heading("Input")
                .help("Parameters as a JSON object with API names (`-` reads stdin); flags override it"),
        )
        .arg(
            Arg::new(SKELETON)
                .long(SKELETON)
                .action(ArgAction::SetTrue)
                .help_heading("Input")
                .help("Print a JSON template of every parameter for --input-json, and exit"),
        );
    if action.paged_items.is_some() {
        command = command.arg(
            Arg::new(ALL_PAGES)
                .long(ALL_PAGES)
                .action(ArgAction::SetTrue)
                .conflicts_with(DRY_RUN)
                .help_heading("Input")
                .help("Fetch every page and print the items as they come (JSON lines with --output text)"),
        );
    }
    command
}

fn param_arg(param: &'static ParamInfo) -> Arg {
    let mut arg = Arg::new(param.api_name)
        .long(param.flag)
        .value_name(param.kind.value_name())
        .help_heading("Parameters")
        .help(help::param_short(param))
        .long_help(help::param_long(param));
    arg = if param.list {
        arg.action(ArgAction::Append).num_args(1..)
    } else {
        arg.action(ArgAction::Set)
    };
    match param.kind {
        ParamKind::Bool => arg.value_parser(value_parser!(bool)),
        ParamKind::Int => arg.value_parser(value_parser!(i64)),
        ParamKind::Uint => arg.value_parser(value_parser!(u64)),
        ParamKind::Float => arg.value_parser(value_parser!(f64)),
        ParamKind::String if !param.one_of.is_empty() => {
            arg.value_parser(PossibleValuesParser::new(param.one_of))
        }
        ParamKind::Image => arg.value_hint(ValueHint::FilePath),
        ParamKind::String | ParamKind::Json => arg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_tree_details_only_the_chosen_action() {
        let tree = build_for(|a| a.name == "GetGroupInfo");
        let args = |name: &str| {
            tree.find_subcommand(name)
                .map(|c| c.get_arguments().count())
                .unwrap()
        };
        assert!(args("get-group-info") > 0);
        assert_eq!(args("get-group-list"), 0);
    }

    #[test]
    fn the_command_tree_is_consistent() {
        // clap's own debug assertions: duplicate flags, bad conflicts, ...
        build().debug_assert();
    }

    #[test]
    fn no_spec_parameter_takes_a_global_flag_name() {
        for action in ACTIONS {
            for param in action.params {
                assert!(
                    !RESERVED_FLAGS.contains(&param.flag),
                    "{}.{} would shadow --{}",
                    action.name,
                    param.api_name,
                    param.flag
                );
            }
        }
    }
}
