//! The fields of every ASL object, as data: where each field may stand, in which query
//! language, what its value must be, and what it means. The checker reads this table for
//! allow-lists, requirements and types; completion and hover read it for names and docs.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    pub fn name(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

/// The kinds of JSON object that ASL gives a meaning to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ObjectKind {
    Root,
    Branch,
    Processor,
    Task,
    Pass,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
    Retrier,
    Catcher,
    /// A rule directly in `Choices` (has `Next`).
    ChoiceRule,
    /// A rule nested in `And` / `Or` / `Not`.
    NestedRule,
    ProcessorConfig,
    ItemReader,
    ReaderConfig,
    ItemBatcher,
    ResultWriter,
    WriterConfig,
    Credentials,
}

impl ObjectKind {
    const fn bit(self) -> u32 {
        1 << self as u8
    }

    pub fn state_type(name: &str) -> Option<ObjectKind> {
        Some(match name {
            "Task" => ObjectKind::Task,
            "Pass" => ObjectKind::Pass,
            "Choice" => ObjectKind::Choice,
            "Wait" => ObjectKind::Wait,
            "Succeed" => ObjectKind::Succeed,
            "Fail" => ObjectKind::Fail,
            "Parallel" => ObjectKind::Parallel,
            "Map" => ObjectKind::Map,
            _ => return None,
        })
    }

    pub fn describe(self) -> &'static str {
        match self {
            ObjectKind::Root => "the state machine",
            ObjectKind::Branch => "a Parallel branch",
            ObjectKind::Processor => "a Map's ItemProcessor",
            ObjectKind::Task => "a Task state",
            ObjectKind::Pass => "a Pass state",
            ObjectKind::Choice => "a Choice state",
            ObjectKind::Wait => "a Wait state",
            ObjectKind::Succeed => "a Succeed state",
            ObjectKind::Fail => "a Fail state",
            ObjectKind::Parallel => "a Parallel state",
            ObjectKind::Map => "a Map state",
            ObjectKind::Retrier => "a Retrier",
            ObjectKind::Catcher => "a Catcher",
            ObjectKind::ChoiceRule => "a Choice rule",
            ObjectKind::NestedRule => "a nested Choice rule",
            ObjectKind::ProcessorConfig => "ProcessorConfig",
            ObjectKind::ItemReader => "ItemReader",
            ObjectKind::ReaderConfig => "ReaderConfig",
            ObjectKind::ItemBatcher => "ItemBatcher",
            ObjectKind::ResultWriter => "ResultWriter",
            ObjectKind::WriterConfig => "WriterConfig",
            ObjectKind::Credentials => "Credentials",
        }
    }

    pub fn is_state(self) -> bool {
        STATES & self.bit() != 0
    }
}

/// What a field's value must be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueKind {
    Any,
    String,
    NonEmptyString,
    /// A state name in the same scope (`Next`, `Default`, `StartAt`).
    StateName,
    /// `true` (`End`).
    True,
    /// An integer ≥ min, and ≤ max when given. In JSONata a `{% %}` string may stand instead.
    Integer {
        min: i64,
        max: Option<i64>,
    },
    /// A number in `[min, max]`.
    Number {
        min: f64,
        max: Option<f64>,
    },
    Enum(&'static [&'static str]),
    /// Any JSONPath (may be `null` where `nullable`).
    JsonPath {
        nullable: bool,
    },
    /// A Reference Path: plain steps only (may be `null` where `nullable`).
    ReferencePath {
        nullable: bool,
    },
    /// `ResultPath`: a Reference Path into the input, never `$$` or a variable.
    ResultPath,
    /// A Reference Path or an intrinsic function (`ErrorPath`, `CausePath`).
    PathOrIntrinsic,
    /// A JSONPath payload template: `"key.$"` values are paths or intrinsic functions.
    PayloadTemplate,
    /// Any JSON; strings `{% ... %}` in it are JSONata.
    JsonataTemplate,
    /// `Assign`: variable names to values (payload template or JSONata template by language).
    Assign,
    /// An RFC 3339 timestamp (`Timestamp`), or JSONata.
    Timestamp,
    /// A JSONata boolean expression `{% ... %}` (`Condition`).
    JsonataExpression,
    Resource,
    ItemReaderResource,
    Label,
    /// A nested object of the given kind.
    Object(ObjectKind),
    ArrayOf(ObjectKind),
    /// `States`: state names to states.
    States,
    /// `Branches`: an array of state machines.
    Branches,
    /// `ErrorEquals`: a non-empty array of error names.
    ErrorNames,
    /// The operand of a Choice comparison operator.
    Comparison(Operand),
    StringArray,
    /// `Items`: a JSON array, or JSONata.
    Items,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    String,
    Number,
    Boolean,
    Timestamp,
    /// A `*Path` operator: a path to compare with.
    Path,
    /// `IsNull`, `IsPresent`, ...: `true` or `false`.
    Test,
}

/// Which query languages a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Both,
    JsonPathOnly,
    JsonataOnly,
}

impl Lang {
    pub fn allows(self, language: QueryLanguage) -> bool {
        match self {
            Lang::Both => true,
            Lang::JsonPathOnly => language == QueryLanguage::JsonPath,
            Lang::JsonataOnly => language == QueryLanguage::Jsonata,
        }
    }
}

pub struct FieldSpec {
    pub name: &'static str,
    /// A bit set of `ObjectKind`s this field belongs to.
    owners: u32,
    pub lang: Lang,
    pub kind: ValueKind,
    /// Owners on which the field is required.
    required: u32,
    pub doc: &'static str,
}

impl FieldSpec {
    pub fn on(&self, kind: ObjectKind) -> bool {
        self.owners & kind.bit() != 0
    }

    pub fn required_on(&self, kind: ObjectKind) -> bool {
        self.required & kind.bit() != 0
    }
}

macro_rules! bits { ($($k:ident)|*) => { 0 $(| ObjectKind::$k.bit())* }; }

const STATES: u32 = bits!(Task | Pass | Choice | Wait | Succeed | Fail | Parallel | Map);
const FLOWING: u32 = bits!(Task | Pass | Wait | Parallel | Map);
const WITH_IO: u32 = bits!(Task | Pass | Choice | Wait | Succeed | Parallel | Map);
const WITH_RESULT: u32 = bits!(Task | Pass | Parallel | Map);
const WITH_ERRORS: u32 = bits!(Task | Parallel | Map);
const MACHINES: u32 = bits!(Root | Branch | Processor);
const RULES: u32 = bits!(ChoiceRule | NestedRule);

const fn field(
    name: &'static str,
    owners: u32,
    lang: Lang,
    kind: ValueKind,
    doc: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        owners,
        lang,
        kind,
        required: 0,
        doc,
    }
}

const fn required(
    name: &'static str,
    owners: u32,
    lang: Lang,
    kind: ValueKind,
    doc: &'static str,
) -> FieldSpec {
    let mut spec = field(name, owners, lang, kind, doc);
    spec.required = owners;
    spec
}

use Lang::{Both, JsonPathOnly as JP, JsonataOnly as JA};
use ValueKind as V;

const POS: ValueKind = V::Integer {
    min: 1,
    max: Some(99_999_999),
};
const NON_NEG: ValueKind = V::Integer { min: 0, max: None };

pub static FIELDS: &[FieldSpec] = &[
    // State machines, branches and processors.
    required("StartAt", MACHINES, Both, V::StateName, "The name of the state to run first."),
    required("States", MACHINES, Both, V::States, "The states, by name."),
    field("Comment", MACHINES | STATES | bits!(Retrier | Catcher | ChoiceRule | NestedRule), Both, V::Any, "A human-readable description; never evaluated."),
    field("Version", bits!(Root), Both, V::String, "The ASL version (\"1.0\")."),
    field("TimeoutSeconds", bits!(Root), Both, POS, "The longest the whole execution may run; when it expires the execution ends TIMED_OUT."),
    field("QueryLanguage", bits!(Root) | STATES, Both, V::Enum(&["JSONPath", "JSONata"]), "How this state's fields are evaluated: JSONPath (default) or JSONata. A state may not use JSONPath when the machine uses JSONata."),
    field("ProcessorConfig", bits!(Processor), Both, V::Object(ObjectKind::ProcessorConfig), "How the Map runs its items: `Mode` INLINE or DISTRIBUTED, and for DISTRIBUTED the child `ExecutionType`."),
    // Every state.
    required("Type", STATES, Both, V::Enum(STATE_TYPES), "The state's type."),
    field("Next", FLOWING, Both, V::StateName, "The state to run after this one."),
    field("End", FLOWING, Both, V::True, "`true` ends the execution (or the branch) after this state."),
    field("InputPath", WITH_IO, JP, V::JsonPath { nullable: true }, "Selects the part of the state input to work on (default `$`); `null` passes `{}`."),
    field("OutputPath", WITH_IO, JP, V::JsonPath { nullable: true }, "Selects the part of the result to pass on (default `$`); `null` passes `{}`."),
    field("Parameters", WITH_RESULT, JP, V::PayloadTemplate, "The input to the task, branch or iterations: a payload template where `\"key.$\"` values are paths or intrinsic functions."),
    field("ResultSelector", WITH_ERRORS, JP, V::PayloadTemplate, "Shapes the raw result before ResultPath: a payload template evaluated against the result."),
    field("ResultPath", WITH_RESULT, JP, V::ResultPath, "Where to put the result in the state input (default `$`: replace it); `null` discards the result."),
    field("Result", bits!(Pass), JP, V::Any, "The fixed result of a Pass state."),
    field("Arguments", bits!(Task | Parallel), JA, V::JsonataTemplate, "The input to the task or branches: JSON in which `{% %}` strings are JSONata."),
    field("Output", WITH_IO | bits!(Catcher | ChoiceRule), JA, V::JsonataTemplate, "The state's output: JSON in which `{% %}` strings are JSONata (default: `$states.result`, or the input)."),
    field("Assign", WITH_IO | bits!(Catcher | ChoiceRule), Both, V::Assign, "Variables to set, by name; values are evaluated before the output and visible to later states."),
    field("Retry", WITH_ERRORS, Both, V::ArrayOf(ObjectKind::Retrier), "Retriers: how to retry on errors, tried in order."),
    field("Catch", WITH_ERRORS, Both, V::ArrayOf(ObjectKind::Catcher), "Catchers: where to go on errors that retries did not resolve."),
    // Task.
    required("Resource", bits!(Task), Both, V::Resource, "What the task calls: `arn:aws:states:::SERVICE:API[.sync|.waitForTaskToken]`, a Lambda function ARN, or an activity ARN."),
    field("TimeoutSeconds", bits!(Task), Both, POS, "The longest the task may run before it fails with States.Timeout (default 99999999)."),
    field("TimeoutSecondsPath", bits!(Task), JP, V::ReferencePath { nullable: false }, "A Reference Path to the task's timeout in seconds."),
    field("HeartbeatSeconds", bits!(Task), Both, POS, "The longest gap between heartbeats (SendTaskHeartbeat) before the task fails with States.Timeout (States.HeartbeatTimeout); less than TimeoutSeconds."),
    field("HeartbeatSecondsPath", bits!(Task), JP, V::ReferencePath { nullable: false }, "A Reference Path to the heartbeat interval in seconds."),
    field("Credentials", bits!(Task), Both, V::Object(ObjectKind::Credentials), "The role to assume for the call (cross-account tasks)."),
    // Choice.
    required("Choices", bits!(Choice), Both, V::ArrayOf(ObjectKind::ChoiceRule), "The rules, tried in order; the first that matches names the next state."),
    field("Default", bits!(Choice), Both, V::StateName, "The state to go to when no rule matches (else States.NoChoiceMatched)."),
    // Wait.
    field("Seconds", bits!(Wait), Both, NON_NEG, "How long to wait, in seconds."),
    field("Timestamp", bits!(Wait), Both, V::Timestamp, "Wait until this time (RFC 3339, e.g. `2026-01-01T00:00:00Z`)."),
    field("SecondsPath", bits!(Wait), JP, V::ReferencePath { nullable: false }, "A Reference Path to the seconds to wait."),
    field("TimestampPath", bits!(Wait), JP, V::ReferencePath { nullable: false }, "A Reference Path to the time to wait until."),
    // Fail.
    field("Error", bits!(Fail), Both, V::String, "The error name the execution fails with."),
    field("Cause", bits!(Fail), Both, V::String, "A human-readable cause of the failure."),
    field("ErrorPath", bits!(Fail), JP, V::PathOrIntrinsic, "A Reference Path or intrinsic function giving the error name."),
    field("CausePath", bits!(Fail), JP, V::PathOrIntrinsic, "A Reference Path or intrinsic function giving the cause."),
    // Parallel.
    required("Branches", bits!(Parallel), Both, V::Branches, "The branches to run in parallel, each a state machine of its own."),
    // Map.
    field("ItemProcessor", bits!(Map), Both, V::Object(ObjectKind::Processor), "The state machine each item runs through."),
    field("Iterator", bits!(Map), Both, V::Object(ObjectKind::Processor), "Deprecated name of ItemProcessor."),
    field("ItemsPath", bits!(Map), JP, V::ReferencePath { nullable: false }, "A Reference Path to the array of items (default `$`)."),
    field("Items", bits!(Map), JA, V::Items, "The items: a JSON array or a JSONata expression."),
    field("ItemSelector", bits!(Map), Both, V::PayloadTemplate, "The input of each iteration, built per item (`$$.Map.Item.Value`, `$$.Map.Item.Index`)."),
    field("MaxConcurrency", bits!(Map), Both, NON_NEG, "How many iterations may run at once (0: as many as possible)."),
    field("MaxConcurrencyPath", bits!(Map), JP, V::ReferencePath { nullable: false }, "A Reference Path to MaxConcurrency."),
    field("ItemReader", bits!(Map), Both, V::Object(ObjectKind::ItemReader), "Where a Distributed Map reads its items (S3 objects, CSV, JSON, manifests)."),
    field("ItemBatcher", bits!(Map), Both, V::Object(ObjectKind::ItemBatcher), "Groups items into batches for each child execution."),
    field("ResultWriter", bits!(Map), Both, V::Object(ObjectKind::ResultWriter), "Where a Distributed Map writes its results."),
    field("ToleratedFailureCount", bits!(Map), Both, NON_NEG, "How many items may fail before the Map fails."),
    field("ToleratedFailureCountPath", bits!(Map), JP, V::ReferencePath { nullable: false }, "A Reference Path to ToleratedFailureCount."),
    field("ToleratedFailurePercentage", bits!(Map), Both, V::Number { min: 0.0, max: Some(100.0) }, "The percentage of items that may fail before the Map fails."),
    field("ToleratedFailurePercentagePath", bits!(Map), JP, V::ReferencePath { nullable: false }, "A Reference Path to ToleratedFailurePercentage."),
    field("Label", bits!(Map), Both, V::Label, "A name for the Map Run of a Distributed Map (at most 40 characters)."),
    // Retriers and catchers.
    required("ErrorEquals", bits!(Retrier | Catcher), Both, V::ErrorNames, "The error names this retrier or catcher matches (`States.ALL` matches all but States.Runtime)."),
    field("IntervalSeconds", bits!(Retrier), Both, V::Integer { min: 1, max: Some(99_999_999) }, "Seconds before the first retry (default 1)."),
    field("MaxAttempts", bits!(Retrier), Both, V::Integer { min: 0, max: Some(99_999_999) }, "How many retries at most (default 3; 0 never retries)."),
    field("BackoffRate", bits!(Retrier), Both, V::Number { min: 1.0, max: None }, "The multiplier of the interval after each retry (default 2.0)."),
    field("MaxDelaySeconds", bits!(Retrier), Both, V::Integer { min: 1, max: Some(31_622_400) }, "The longest interval between retries."),
    field("JitterStrategy", bits!(Retrier), Both, V::Enum(&["FULL", "NONE"]), "FULL randomises each interval in [0, interval]; NONE (default) does not."),
    required("Next", bits!(Catcher | ChoiceRule), Both, V::StateName, "The state to go to."),
    field("ResultPath", bits!(Catcher), JP, V::ResultPath, "Where to put the error output (`{Error, Cause}`) in the state input (default `$`)."),
    // Choice rules.
    field("Condition", bits!(ChoiceRule), JA, V::JsonataExpression, "A JSONata expression `{% ... %}`: the rule matches when it is true."),
    field("Variable", RULES, JP, V::JsonPath { nullable: false }, "The path whose value the operator compares."),
    field("And", RULES, JP, V::ArrayOf(ObjectKind::NestedRule), "Matches when every nested rule matches."),
    field("Or", RULES, JP, V::ArrayOf(ObjectKind::NestedRule), "Matches when any nested rule matches."),
    field("Not", RULES, JP, V::Object(ObjectKind::NestedRule), "Matches when the nested rule does not."),
    // Map configuration objects.
    field("Mode", bits!(ProcessorConfig), Both, V::Enum(&["INLINE", "DISTRIBUTED"]), "INLINE (default) runs the iterations inside this execution; DISTRIBUTED runs each item (or batch) as a child execution, and lets the Map read items from S3 (`ItemReader`), batch them (`ItemBatcher`) and write results (`ResultWriter`)."),
    field("ExecutionType", bits!(ProcessorConfig), Both, V::Enum(&["STANDARD", "EXPRESS"]), "The type of the child executions of a Distributed Map (given with `Mode` DISTRIBUTED): STANDARD, or EXPRESS (at most five minutes each, request-response tasks only)."),
    required("Resource", bits!(ItemReader), Both, V::ItemReaderResource, "The S3 API that reads the items: `arn:aws:states:::s3:getObject` (one object: CSV, JSON, JSONL, a manifest) or `arn:aws:states:::s3:listObjectsV2` (one item per object under a prefix)."),
    field("Resource", bits!(ResultWriter), Both, V::ItemReaderResource, "`arn:aws:states:::s3:putObject`: write the Map Run's results to S3 (with `Parameters` / `Arguments` giving Bucket and Prefix); without it, `WriterConfig` only shapes the Map's output."),
    field("Parameters", bits!(ItemReader | ResultWriter), JP, V::PayloadTemplate, "The S3 request: Bucket and Key (getObject), Bucket and Prefix (listObjectsV2, putObject)."),
    field("Arguments", bits!(ItemReader | ResultWriter), JA, V::JsonataTemplate, "The S3 request: Bucket and Key (getObject), Bucket and Prefix (listObjectsV2, putObject)."),
    field("ReaderConfig", bits!(ItemReader), Both, V::Object(ObjectKind::ReaderConfig), "How to read the items: `InputType` (CSV, JSON, JSONL, MANIFEST, PARQUET), the CSV header and delimiter, `MaxItems`."),
    field("InputType", bits!(ReaderConfig), Both, V::Enum(&["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"]), "The format of the object `s3:getObject` reads; a listing (`s3:listObjectsV2`) takes none."),
    field("CSVHeaderLocation", bits!(ReaderConfig), Both, V::Enum(&["FIRST_ROW", "GIVEN"]), "For InputType CSV: where the column names come from, the first row of the file or `CSVHeaders`."),
    field("CSVHeaders", bits!(ReaderConfig), Both, V::StringArray, "For InputType CSV with CSVHeaderLocation GIVEN: the column names, in order; each row becomes an object with these keys."),
    field("CSVDelimiter", bits!(ReaderConfig), Both, V::Enum(&["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]), "For InputType CSV: the character between fields (default COMMA)."),
    field("ManifestType", bits!(ReaderConfig), Both, V::Enum(&["ATHENA_DATA", "S3_INVENTORY"]), "The kind of manifest read: S3_INVENTORY (InputType MANIFEST, an S3 Inventory manifest.json) or ATHENA_DATA (an Athena UNLOAD manifest; InputType gives the data files' format)."),
    field("MaxItems", bits!(ReaderConfig), Both, NON_NEG, "Read at most this many items (AWS reads up to 100,000,000)."),
    field("MaxItemsPath", bits!(ReaderConfig), JP, V::ReferencePath { nullable: false }, "A Reference Path to MaxItems in the state input."),
    field("MaxItemsPerBatch", bits!(ItemBatcher), Both, V::Integer { min: 1, max: None }, "The most items in one batch: each child execution gets `{\"Items\": [...]}`."),
    field("MaxItemsPerBatchPath", bits!(ItemBatcher), JP, V::ReferencePath { nullable: false }, "A Reference Path to MaxItemsPerBatch."),
    field("MaxInputBytesPerBatch", bits!(ItemBatcher), Both, V::Integer { min: 1, max: Some(262_144) }, "The most bytes in one batch (at most 256 KiB)."),
    field("MaxInputBytesPerBatchPath", bits!(ItemBatcher), JP, V::ReferencePath { nullable: false }, "A Reference Path to MaxInputBytesPerBatch."),
    field("BatchInput", bits!(ItemBatcher), Both, V::JsonataTemplate, "Fixed input added to every batch, as `BatchInput` beside `Items`."),
    field("WriterConfig", bits!(ResultWriter), Both, V::Object(ObjectKind::WriterConfig), "How results are shaped and written: `Transformation` and `OutputType`."),
    field("OutputType", bits!(WriterConfig), Both, V::Enum(&["JSON", "JSONL"]), "The format of the result files: a JSON array, or JSON Lines."),
    field("Transformation", bits!(WriterConfig), Both, V::Enum(&["NONE", "COMPACT", "FLATTEN"]), "How each child's result is shaped before it is written or returned."),
    field("RoleArn", bits!(Credentials), Both, V::NonEmptyString, "The IAM role to assume."),
    field("RoleArn.$", bits!(Credentials), JP, V::PathOrIntrinsic, "A path or intrinsic function (`States.Format(...)`) giving the IAM role to assume."),
];

/// At-most-one and exactly-one groups of fields.
pub struct FieldGroup {
    pub owner: ObjectKind,
    pub fields: &'static [&'static str],
    pub exactly_one: bool,
}

/// The context object's paths (`$$...`), with what they hold. `$$.Task.Token` exists only in a
/// Task that waits for a callback, `$$.Map.Item.*` only in a Map's ItemSelector.
pub const CONTEXT_PATHS: &[(&str, &str)] = &[
    ("$$.Execution.Id", "The execution's ARN."),
    ("$$.Execution.Input", "The execution's input."),
    ("$$.Execution.Name", "The execution's name."),
    ("$$.Execution.RoleArn", "The role the execution runs as."),
    ("$$.Execution.StartTime", "When the execution started (ISO 8601)."),
    ("$$.Execution.RedriveCount", "How many times the execution was redriven."),
    ("$$.StateMachine.Id", "The state machine's ARN."),
    ("$$.StateMachine.Name", "The state machine's name."),
    ("$$.State.Name", "The current state's name."),
    ("$$.State.EnteredTime", "When the current state was entered (ISO 8601)."),
    ("$$.State.RetryCount", "How many times the current state has been retried."),
    ("$$.Task.Token", "The task token: pass it to the worker, who returns it with SendTaskSuccess / SendTaskFailure."),
    ("$$.Map.Item.Index", "The index of the Map item being processed."),
    ("$$.Map.Item.Value", "The Map item being processed."),
];

/// What each state type does, for hover.
pub const STATE_TYPE_DOCS: &[(&str, &str)] = &[
    ("Task", "Calls a service: request-response (the call's answer), `.sync` (waits for the job to finish) or `.waitForTaskToken` (pauses until someone returns the task token)."),
    ("Pass", "Passes its input on, optionally reshaped or with a fixed `Result`; does no work."),
    ("Choice", "Picks the next state by the first rule that matches, else `Default` (else States.NoChoiceMatched)."),
    ("Wait", "Waits for `Seconds` or until `Timestamp`, then goes on."),
    ("Succeed", "Ends the execution (or the branch, or the iteration) successfully."),
    ("Fail", "Ends the execution with an `Error` and a `Cause`."),
    ("Parallel", "Runs each branch on the same input at once; the output is the array of their outputs. One branch failing uncaught stops the others."),
    ("Map", "Runs its ItemProcessor for each item of an array (inline), or of a data set in S3 (distributed, as child executions)."),
];

/// What each value of an enumerated field means, for hover and completion: (field, value, doc).
pub const VALUE_DOCS: &[(&str, &str, &str)] = &[
    ("Mode", "INLINE", "The iterations run inside this execution (at most 40 at once), their events in its history."),
    ("Mode", "DISTRIBUTED", "Each item (or batch) runs as a child execution of its own, in a Map Run; the Map may read items from S3 and write results there."),
    ("ExecutionType", "STANDARD", "Child executions as Standard workflows: up to a year each, every pattern (`.sync`, `.waitForTaskToken`)."),
    ("ExecutionType", "EXPRESS", "Child executions as Express workflows: at most five minutes each, request-response tasks only."),
    ("InputType", "CSV", "A CSV file: each row is an item, an object keyed by the column names (`CSVHeaderLocation`)."),
    ("InputType", "JSON", "A JSON file holding an array: each element is an item."),
    ("InputType", "JSONL", "A JSON Lines file: each line is an item."),
    ("InputType", "MANIFEST", "An S3 Inventory manifest (`manifest.json`): each object its data files list is an item."),
    ("InputType", "PARQUET", "A Parquet file: each row is an item."),
    ("CSVHeaderLocation", "FIRST_ROW", "The first row of the file holds the column names."),
    ("CSVHeaderLocation", "GIVEN", "The column names are given in `CSVHeaders`; every row is data."),
    ("CSVDelimiter", "COMMA", "Fields separated by `,` (the default)."),
    ("CSVDelimiter", "PIPE", "Fields separated by `|`."),
    ("CSVDelimiter", "SEMICOLON", "Fields separated by `;`."),
    ("CSVDelimiter", "SPACE", "Fields separated by a space."),
    ("CSVDelimiter", "TAB", "Fields separated by a tab."),
    ("ManifestType", "S3_INVENTORY", "An S3 Inventory report's `manifest.json`."),
    ("ManifestType", "ATHENA_DATA", "A manifest Athena's UNLOAD wrote: a list of data files in the format InputType names."),
    ("OutputType", "JSON", "Results written as a JSON array."),
    ("OutputType", "JSONL", "Results written as JSON Lines, one result a line."),
    ("Transformation", "NONE", "Each child's output with its execution's metadata (the default when results are written to S3)."),
    ("Transformation", "COMPACT", "Each child's output alone (the default without a ResultWriter)."),
    ("Transformation", "FLATTEN", "Each child's output alone, an array output flattened into the results."),
];

/// The doc of `value` of the enumerated field `field`, if the table has one.
pub fn value_doc(field: &str, value: &str) -> Option<&'static str> {
    VALUE_DOCS
        .iter()
        .find(|(f, v, _)| *f == field && *v == value)
        .map(|(_, _, doc)| *doc)
}

/// The state types, as `Type` names them.
pub const STATE_TYPES: &[&str] = &[
    "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];

pub const GROUPS: &[FieldGroup] = &[
    FieldGroup {
        owner: ObjectKind::Task,
        fields: &["TimeoutSeconds", "TimeoutSecondsPath"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::Task,
        fields: &["HeartbeatSeconds", "HeartbeatSecondsPath"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::Wait,
        fields: &["Seconds", "Timestamp", "SecondsPath", "TimestampPath"],
        exactly_one: true,
    },
    FieldGroup {
        owner: ObjectKind::Fail,
        fields: &["Error", "ErrorPath"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::Fail,
        fields: &["Cause", "CausePath"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::Map,
        fields: &["ItemProcessor", "Iterator"],
        exactly_one: true,
    },
    FieldGroup {
        owner: ObjectKind::Map,
        fields: &["ItemsPath", "Items"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::Map,
        fields: &["MaxConcurrency", "MaxConcurrencyPath"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::Map,
        fields: &["ToleratedFailureCount", "ToleratedFailureCountPath"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::Map,
        fields: &[
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
        ],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::Map,
        fields: &["Parameters", "ItemSelector"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::ReaderConfig,
        fields: &["MaxItems", "MaxItemsPath"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::ItemBatcher,
        fields: &["MaxItemsPerBatch", "MaxItemsPerBatchPath"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::ItemBatcher,
        fields: &["MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"],
        exactly_one: false,
    },
    FieldGroup {
        owner: ObjectKind::Credentials,
        fields: &["RoleArn", "RoleArn.$"],
        exactly_one: true,
    },
];

const KINDS: usize = ObjectKind::Credentials as usize + 1;

/// The table indexed by owner, built once: lookups run for every member of every object.
struct Index {
    by_name: [crate::fxhash::FxHashMap<&'static str, &'static FieldSpec>; KINDS],
    required: [Vec<&'static FieldSpec>; KINDS],
    comparisons: crate::fxhash::FxHashMap<&'static str, Operand>,
    /// For each of `GROUPS`, the set of its fields.
    group_sets: Vec<FieldSet>,
}

fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut by_name: [crate::fxhash::FxHashMap<&'static str, &'static FieldSpec>; KINDS] =
            std::array::from_fn(|_| crate::fxhash::FxHashMap::default());
        let mut required: [Vec<&'static FieldSpec>; KINDS] = std::array::from_fn(|_| Vec::new());
        for spec in FIELDS {
            for (kind, (names, req)) in by_name.iter_mut().zip(required.iter_mut()).enumerate() {
                let bit = 1u32 << kind;
                if spec.owners & bit != 0 {
                    names.entry(spec.name).or_insert(spec);
                }
                if spec.required & bit != 0 {
                    req.push(spec);
                }
            }
        }
        let comparisons = COMPARISONS.iter().copied().collect();
        let group_sets = GROUPS
            .iter()
            .map(|g| {
                g.fields
                    .iter()
                    .filter_map(|f| by_name[g.owner as usize].get(f))
                    .fold(0, |set, spec| set | field_bit(spec))
            })
            .collect();
        Index {
            by_name,
            required,
            comparisons,
            group_sets,
        }
    })
}

/// The field spec for `name` on `owner`, whatever the language.
pub fn field_spec(owner: ObjectKind, name: &str) -> Option<&'static FieldSpec> {
    index().by_name[owner as usize].get(name).copied()
}

/// A set of fields of `FIELDS`, one bit each: the fields an object has, or a group's.
pub type FieldSet = u128;

const _: () = assert!(
    FIELDS.len() <= FieldSet::BITS as usize,
    "FieldSet has too few bits"
);

/// The bit of a field in a `FieldSet`.
pub fn field_bit(spec: &'static FieldSpec) -> FieldSet {
    let index = (std::ptr::from_ref(spec) as usize - FIELDS.as_ptr() as usize)
        / std::mem::size_of::<FieldSpec>();
    1 << index
}

/// The field groups of `owner`, each with the set of its fields.
pub fn groups_of(owner: ObjectKind) -> impl Iterator<Item = (&'static FieldGroup, FieldSet)> {
    GROUPS
        .iter()
        .zip(&index().group_sets)
        .filter(move |(g, _)| g.owner == owner)
        .map(|(g, set)| (g, *set))
}

/// The fields `owner` must have (in the languages each belongs to).
pub fn required_fields(owner: ObjectKind) -> &'static [&'static FieldSpec] {
    &index().required[owner as usize]
}

/// Every field that may stand on `owner` in `language`.
pub fn fields_of(
    owner: ObjectKind,
    language: QueryLanguage,
) -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS
        .iter()
        .filter(move |f| f.on(owner) && f.lang.allows(language))
}

/// Choice comparison operators (JSONPath) and the operand each takes.
pub const COMPARISONS: &[(&str, Operand)] = &[
    ("StringEquals", Operand::String),
    ("StringEqualsPath", Operand::Path),
    ("StringLessThan", Operand::String),
    ("StringLessThanPath", Operand::Path),
    ("StringGreaterThan", Operand::String),
    ("StringGreaterThanPath", Operand::Path),
    ("StringLessThanEquals", Operand::String),
    ("StringLessThanEqualsPath", Operand::Path),
    ("StringGreaterThanEquals", Operand::String),
    ("StringGreaterThanEqualsPath", Operand::Path),
    ("StringMatches", Operand::String),
    ("NumericEquals", Operand::Number),
    ("NumericEqualsPath", Operand::Path),
    ("NumericLessThan", Operand::Number),
    ("NumericLessThanPath", Operand::Path),
    ("NumericGreaterThan", Operand::Number),
    ("NumericGreaterThanPath", Operand::Path),
    ("NumericLessThanEquals", Operand::Number),
    ("NumericLessThanEqualsPath", Operand::Path),
    ("NumericGreaterThanEquals", Operand::Number),
    ("NumericGreaterThanEqualsPath", Operand::Path),
    ("BooleanEquals", Operand::Boolean),
    ("BooleanEqualsPath", Operand::Path),
    ("TimestampEquals", Operand::Timestamp),
    ("TimestampEqualsPath", Operand::Path),
    ("TimestampLessThan", Operand::Timestamp),
    ("TimestampLessThanPath", Operand::Path),
    ("TimestampGreaterThan", Operand::Timestamp),
    ("TimestampGreaterThanPath", Operand::Path),
    ("TimestampLessThanEquals", Operand::Timestamp),
    ("TimestampLessThanEqualsPath", Operand::Path),
    ("TimestampGreaterThanEquals", Operand::Timestamp),
    ("TimestampGreaterThanEqualsPath", Operand::Path),
    ("IsNull", Operand::Test),
    ("IsPresent", Operand::Test),
    ("IsNumeric", Operand::Test),
    ("IsString", Operand::Test),
    ("IsBoolean", Operand::Test),
    ("IsTimestamp", Operand::Test),
];

pub fn comparison(name: &str) -> Option<Operand> {
    index().comparisons.get(name).copied()
}

/// The error names Step Functions defines.
pub const ERROR_NAMES: &[(&str, &str)] = &[
    ("States.ALL", "Matches every error except States.Runtime (and States.DataLimitExceeded); must stand alone and last."),
    ("States.BranchFailed", "A branch of a Parallel state failed."),
    ("States.DataLimitExceeded", "A payload exceeded 256 KiB."),
    ("States.ExceedToleratedFailureThreshold", "A Map state's failures exceeded its tolerated threshold."),
    ("States.HeartbeatTimeout", "A task sent no heartbeat within HeartbeatSeconds (Retry/Catch only)."),
    ("States.IntrinsicFailure", "An intrinsic function failed."),
    ("States.ItemReaderFailed", "A Distributed Map could not read its items."),
    ("States.NoChoiceMatched", "No Choice rule matched and there is no Default."),
    ("States.ParameterPathFailure", "A path in Parameters or ItemSelector matched nothing."),
    ("States.Permissions", "The execution role lacks a permission."),
    ("States.QueryEvaluationError", "A JSONata expression failed."),
    ("States.ResultPathMatchFailure", "ResultPath could not be applied to the input."),
    ("States.ResultWriterFailed", "A Distributed Map could not write its results."),
    ("States.Runtime", "A runtime error, such as an InputPath that matches nothing; never retried or caught."),
    ("States.TaskFailed", "A task failed (any error but States.Timeout)."),
    ("States.Timeout", "A task ran longer than TimeoutSeconds or missed a heartbeat."),
];
