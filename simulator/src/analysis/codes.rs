//! Every diagnostic code, with the severity the rule gives it and why (see the module doc of
//! [`crate::analysis`]). `stops_run` is true only where AWS itself refuses the definition at
//! creation (CreateStateMachine / ValidateStateMachineDefinition): `run`, `test`,
//! `graph --simulate` and the language server's simulation refuse a definition only for those,
//! so every definition AWS would run can be simulated. The tests hold the walker's and the
//! parser's constructors to this table.

use crate::diagnostic::{Diagnostic, Severity};

/// One code's decision.
#[derive(Clone, Copy, Debug)]
pub struct CodeRule {
    pub code: &'static str,
    pub severity: Severity,
    /// AWS rejects a definition with this at creation: nothing runs it.
    pub stops_run: bool,
    pub why: &'static str,
}

const fn rule(
    code: &'static str,
    severity: Severity,
    stops_run: bool,
    why: &'static str,
) -> CodeRule {
    CodeRule {
        code,
        severity,
        stops_run,
        why,
    }
}

use Severity::{Error, Hint, Information, Warning};

const SYNTAX: &str = "AWS parses the definition as JSON first: INVALID_JSON_DESCRIPTION";

/// The table: one row per code, sorted by code.
pub const CODES: &[CodeRule] = &[
    rule("control-character", Error, true, SYNTAX),
    rule("definition-file", Error, true, "a template names a definition file that cannot be read: nothing can be deployed"),
    rule("definition-not-local", Information, false, "a definition kept in S3 is not read: information, nothing to check"),
    rule("distributed-only-field", Warning, false, "AWS takes it on an inline Map (recorded: an inline Map with ToleratedFailureCount ran) and does nothing with it: almost surely a missing `Mode: DISTRIBUTED`"),
    rule("duplicate-key", Error, true, "AWS's parser refuses a key given twice, and `a` beside `a.$` (both produce `a`) is a SCHEMA_VALIDATION_FAILED"),
    rule("duplicate-state-name", Error, true, "AWS: DUPLICATE_STATE_NAME; names are unique across branches and processors"),
    rule("empty-array", Error, true, "the schema's minItems: Choices, Branches, ErrorEquals, And / Or need one element"),
    rule("empty-document", Error, true, "AWS: \"Definition must be a valid JSON object\""),
    rule("empty-states", Error, true, "the schema: `States` needs one state"),
    rule("exclusive-fields", Error, true, "the schema: a field and its `Path` form (or two comparisons in one rule) cannot both stand"),
    rule("expected-comma", Error, true, SYNTAX),
    rule("expected-property", Error, true, SYNTAX),
    rule("expected-value", Error, true, SYNTAX),
    rule("express-pattern", Error, true, "recorded: \"Express state machine does not support '.sync' service integration\""),
    rule("heartbeat-not-below-timeout", Error, true, "AWS refuses HeartbeatSeconds not below TimeoutSeconds"),
    rule("intrinsic-argument", Error, false, "fails with States.IntrinsicFailure on every input, but AWS accepts the definition: the run shows the failure"),
    rule("intrinsic-arity", Error, false, "fails with States.IntrinsicFailure on every input, but AWS accepts the definition: the run shows the failure"),
    rule("invalid-escape", Error, true, SYNTAX),
    rule("invalid-intrinsic", Error, true, "AWS parses `.$` values as a path or an intrinsic call at creation"),
    rule("invalid-label", Error, true, "recorded: \"Label contains invalid character\""),
    rule("invalid-number", Error, true, SYNTAX),
    rule("invalid-path", Error, true, "AWS parses every path at creation: \"must be a valid JSONPath\""),
    rule("invalid-state-name", Error, true, "the schema: a state name has 1 to 80 characters"),
    rule("invalid-type", Error, true, "the schema: a field of the wrong JSON type"),
    rule("invalid-value", Error, true, "the schema: a value outside the field's allowed values"),
    rule("invalid-variable-name", Warning, false, "legal for AWS, but no `$name` can read the variable back"),
    rule("jsonata-delimiters", Error, false, "a string with only one of `{%` / `%}` is almost surely a broken expression; AWS takes it as text, so a run goes on"),
    rule("jsonata-scope", Error, false, "`$states.result` / `errorOutput` where they do not exist fails on every input; the run shows it"),
    rule("jsonata-spacing", Hint, false, "`{%expr%}` without inner spaces is legal (deployed projects write it; the emulators accept it): style only"),
    rule("jsonata-syntax", Error, true, "AWS parses every JSONata expression at creation"),
    rule("malformed-substitution", Error, true, "an unclosed `${` is left in the definition and fails the field's type"),
    rule("missing-colon", Error, true, SYNTAX),
    rule("missing-comma", Error, true, SYNTAX),
    rule("missing-execution-type", Warning, false, "AWS documents ExecutionType as given with Mode DISTRIBUTED, but no recording shows it refusing a definition without: a warning"),
    rule("missing-field", Error, true, "recorded: \"These fields are required: [...]\""),
    rule("missing-parameter", Error, false, "a member the API model requires is left out of Parameters / Arguments: the call fails on every input (the service's validation), though AWS accepts the definition"),
    rule("missing-substitution", Error, false, "a `${Name}` no substitution gives: Terraform's templatefile refuses it; with DefinitionSubstitutions the text stays, so a run shows what it does"),
    rule("missing-transition", Error, true, "the schema: a state needs `Next` or `End`"),
    rule("mock-file", Error, false, "the mock file, not the definition: the run reports the broken mock itself"),
    rule("multiple-documents", Error, true, "a definition is one document"),
    rule("nesting-too-deep", Error, true, "deeper than any parser (AWS's included) accepts"),
    rule("next-and-end", Error, true, "the schema: `Next` and `End` exclude each other"),
    rule("no-terminal-state", Error, true, "AWS: a machine or branch needs a terminal state"),
    rule("not-an-object", Error, true, "AWS: \"Definition must be a valid JSON object\""),
    rule("out-of-range", Error, true, "the schema's minimum / maximum"),
    rule("parameter-bound", Warning, false, "a literal below / above the model's min / max: the service decides; legal for Step Functions"),
    rule("parameter-spelling", Warning, false, "a member spelt with other capitals than Step Functions' and the model's: our spelling is derived (Java SDK v2), so a warning"),
    rule("parameter-type", Warning, false, "a literal of another type than the model's: the Java SDK coerces many scalars, so not surely a failure"),
    rule("parameter-value", Warning, false, "a value outside the model's enum: the service usually refuses it, but enums grow and some services accept other spellings"),
    rule("query-language-downgrade", Error, true, "recorded: \"'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine\""),
    rule("reader-config", Warning, false, "a reader field that does not go with the reader's API or InputType (CSV fields on JSON, a listing with an InputType, GIVEN with no CSVHeaders): AWS documents which go together, but no recording shows it refusing the others at creation, so a warning"),
    rule("reserved-variable-name", Error, true, "AWS refuses `states` as a variable name: it is `$states`"),
    rule("result-writer-fields", Error, true, "AWS documents a ResultWriter's only sets of fields: WriterConfig, Resource with Parameters / Arguments, or all three; it cannot be empty"),
    rule("simulation", Information, false, "what a simulated run did: information"),
    rule("simulation-end", Warning, false, "a simulated run ended badly: worth a look, the definition is legal"),
    rule("simulation-lost-callback", Information, false, "a simulated callback never came: information"),
    rule("simulation-not-reached", Hint, false, "no simulated run reached the state: a hint"),
    rule("states-all-not-alone", Error, true, "AWS: States.ALL must stand alone in ErrorEquals"),
    rule("states-all-not-last", Error, true, "AWS: the retrier / catcher with States.ALL must be the last"),
    rule("task-token-not-passed", Warning, false, "AWS runs it (the task waits until it times out): almost surely a mistake"),
    rule("terraform-syntax", Error, true, "Terraform cannot read the file"),
    rule("trailing-comma", Error, true, SYNTAX),
    rule("trailing-content", Error, true, SYNTAX),
    rule("transition-out-of-scope", Error, true, "AWS: a transition names a state of its own branch or processor"),
    rule("unbounded-callback-wait", Warning, false, "legal, but a lost callback waits for a year"),
    rule("unbounded-item-batcher", Warning, false, "an ItemBatcher with no batch size: legal JSON for the schema, and no recording shows what AWS does with it, so a warning"),
    rule("unclosed-array", Error, true, SYNTAX),
    rule("unclosed-object", Error, true, SYNTAX),
    rule("unclosed-string", Error, true, SYNTAX),
    rule("undefined-variable", Warning, false, "legal for AWS; reading it fails only where the run reaches it"),
    rule("unexpected-comma", Error, true, SYNTAX),
    rule("unknown-error-name", Warning, false, "legal (`States.` names are not reserved to AWS), but nothing in the machine raises it"),
    rule("unknown-field", Error, true, "AWS: SCHEMA_VALIDATION_FAILED for a field the state does not have"),
    rule("unknown-intrinsic", Error, true, "AWS parses intrinsic calls at creation and knows its functions"),
    rule("unknown-parameter", Error, false, "a member the API model does not have: Step Functions fails the task (\"The field ... is not supported by Step Functions\") on every input"),
    rule("unknown-reference", Error, true, "CloudFormation refuses a reference to no parameter or resource: Unresolved resource dependencies"),
    rule("unknown-resource", Error, true, "AWS refuses a Resource that is no integration, function or activity"),
    rule("unknown-sdk-action", Error, false, "an aws-sdk action the service's model does not have: no input can make the call; not marked as refused at creation, as no recording says so"),
    rule("unknown-sdk-service", Warning, false, "an aws-sdk service no SDK model names as Step Functions spells it: our list of names is derived, so a warning"),
    rule("unknown-state", Error, true, "AWS: MISSING_TRANSITION_TARGET, a transition to a state that does not exist"),
    rule("unquoted-key", Error, true, SYNTAX),
    rule("unreachable-state", Error, true, "AWS: MISSING_TRANSITION_TARGET / the state is not reachable"),
    rule("unreadable-file", Error, true, "asl-sim check: the file could not be read as text, so nothing in it was checked"),
    rule("unsupported-key", Error, true, "a YAML key that is no JSON string: not a definition"),
    rule("unused-field", Error, true, "the schema: `Variable` stands only beside a comparison"),
    rule("variable-assigned-after-read", Warning, false, "legal; the read sees the value from before the state"),
    rule("wrong-query-language", Error, true, "the schema: a JSONPath field in a JSONata state or the other way round"),
    rule("yaml-syntax", Error, true, "not a document"),
];

/// The decision for `code`, if the table has it.
pub fn code_rule(code: &str) -> Option<&'static CodeRule> {
    CODES
        .binary_search_by(|rule| rule.code.cmp(code))
        .ok()
        .map(|i| &CODES[i])
}

/// Whether AWS would refuse a definition with these diagnostics: the only reason to refuse a run.
pub fn stops_run(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|d| code_rule(d.code).is_some_and(|rule| rule.stops_run))
}

/// `--deny-warnings` (and the language server's setting): our lints become errors for CI. It
/// changes only the severity shown: a run still refuses only what AWS refuses ([`stops_run`]).
pub fn deny_warnings(diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        if d.severity == Severity::Warning {
            d.severity = Severity::Error;
        }
    }
}

#[cfg(test)]
mod tests;
