//! ARNs and AWS's rules for names. The account and region are the ones the engine's context
//! object names (`$$.Execution.Id`), so an execution's ARN is the one it sees.

use super::ApiError;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "111111111111";

pub fn state_machine_arn(name: &str) -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}")
}

pub fn activity_arn(name: &str) -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:activity:{name}")
}

/// A Standard execution's ARN; an Express one's says `express` and ends with an id of its own.
pub fn execution_arn(machine: &str, name: &str, express_id: Option<&str>) -> String {
    match express_id {
        None => format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine}:{name}"),
        Some(id) => format!("arn:aws:states:{REGION}:{ACCOUNT}:express:{machine}:{name}:{id}"),
    }
}

/// A Step Functions ARN with our region and account in place of whatever it says.
pub fn canonical(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "states", _, _, rest] => {
            format!("arn:{partition}:states:{REGION}:{ACCOUNT}:{rest}")
        }
        _ => arn.to_string(),
    }
}

/// The resource types an ARN argument may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    StateMachine,
    Execution,
    Activity,
}

impl Kind {
    fn matches(self, resource_type: &str) -> bool {
        match self {
            Kind::StateMachine => resource_type == "stateMachine",
            Kind::Execution => matches!(resource_type, "execution" | "express"),
            Kind::Activity => resource_type == "activity",
        }
    }
}

/// An ARN of one of `kinds`, or AWS's InvalidArn.
pub fn check_arn(arn: &str, kinds: &[Kind]) -> Result<(), ApiError> {
    let parts: Vec<&str> = arn.split(':').collect();
    let invalid = |why: &str| ApiError::new("InvalidArn", format!("Invalid Arn: '{why}: {arn}'"));
    if parts.len() < 7 || parts[0] != "arn" || parts[2] != "states" {
        return Err(invalid("Malformed Arn"));
    }
    if !kinds.iter().any(|k| k.matches(parts[5])) {
        return Err(invalid("Resource type not valid in this context"));
    }
    if parts[6..].iter().any(|p| p.is_empty()) {
        return Err(invalid("Malformed Arn"));
    }
    Ok(())
}

/// AWS's rules for the name of a state machine, execution or activity: 1 to 80 characters,
/// none of them whitespace, a control character or one of `<>{}[]?*"#%\^|~`$&,;:/`.
pub fn check_name(name: &str, what: &str) -> Result<(), ApiError> {
    const FORBIDDEN: &str = "<>{}[]?*\"#%\\^|~`$&,;:/";
    let length = name.chars().count();
    let invalid = |why: String| {
        ApiError::new(
            "InvalidName",
            format!("Invalid Name: '{name}' ({what} name {why})"),
        )
    };
    if length == 0 || length > 80 {
        return Err(invalid(format!(
            "has {length} characters: 1 to 80 are allowed"
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || FORBIDDEN.contains(*c))
    {
        return Err(invalid(format!("contains {c:?}, which names may not")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_and_names_follow_aws_rules() {
        let machine = state_machine_arn("M");
        assert!(check_arn(&machine, &[Kind::StateMachine]).is_ok());
        assert_eq!(
            check_arn(&machine, &[Kind::Execution]).map_err(|e| e.type_name),
            Err("InvalidArn")
        );
        assert!(check_arn("not-an-arn", &[Kind::StateMachine]).is_err());
        assert!(check_arn(&execution_arn("M", "e", Some("id")), &[Kind::Execution]).is_ok());
        assert_eq!(
            canonical("arn:aws:states:eu-west-1:123456789012:stateMachine:M"),
            machine
        );
        assert_eq!(canonical("not-an-arn"), "not-an-arn");
        assert!(check_name("order-42_ok", "execution").is_ok());
        for bad in ["", "has space", "a:b", "x#y", &"n".repeat(81)] {
            assert_eq!(
                check_name(bad, "execution").map_err(|e| e.type_name),
                Err("InvalidName"),
                "{bad:?}"
            );
        }
    }
}
