//! JSONata's function library and Step Functions' additions, as completion and the variable
//! check see them: the name, its signature, what it does.

pub struct JsonataFunction {
    pub name: &'static str,
    pub signature: &'static str,
    pub doc: &'static str,
}

const fn f(name: &'static str, signature: &'static str, doc: &'static str) -> JsonataFunction {
    JsonataFunction {
        name,
        signature,
        doc,
    }
}

#[rustfmt::skip]
pub const JSONATA_FUNCTIONS: &[JsonataFunction] = &[
    // Aggregation.
    f("sum", "$sum(array)", "The sum of an array of numbers."),
    f("count", "$count(array)", "The number of items in an array."),
    f("max", "$max(array)", "The largest number in an array."),
    f("min", "$min(array)", "The smallest number in an array."),
    f("average", "$average(array)", "The mean of an array of numbers."),
    // Strings.
    f("string", "$string(arg, prettify?)", "Casts to a string (objects and arrays as JSON)."),
    f("substring", "$substring(str, start, length?)", "Part of a string, by character position."),
    f("substringBefore", "$substringBefore(str, chars)", "The part before the first occurrence of chars."),
    f("substringAfter", "$substringAfter(str, chars)", "The part after the first occurrence of chars."),
    f("lowercase", "$lowercase(str)", "Lower-cased."),
    f("uppercase", "$uppercase(str)", "Upper-cased."),
    f("length", "$length(str)", "The number of characters."),
    f("trim", "$trim(str)", "Whitespace collapsed and trimmed."),
    f("pad", "$pad(str, width, char?)", "Padded to width (negative: on the left)."),
    f("contains", "$contains(str, pattern)", "Whether str contains the string or regex."),
    f("split", "$split(str, separator, limit?)", "Splits into an array of strings."),
    f("join", "$join(array, separator?)", "Joins an array of strings."),
    f("match", "$match(str, pattern, limit?)", "Regex matches, with groups."),
    f("replace", "$replace(str, pattern, replacement, limit?)", "Replaces matches of a string or regex."),
    f("eval", "$eval(expr, context?)", "Evaluates a JSONata expression given as a string."),
    f("base64encode", "$base64encode(str)", "Base64 of a string."),
    f("base64decode", "$base64decode(str)", "Decodes Base64."),
    f("encodeUrlComponent", "$encodeUrlComponent(str)", "Percent-encodes a URL component."),
    f("encodeUrl", "$encodeUrl(str)", "Percent-encodes a URL."),
    f("decodeUrlComponent", "$decodeUrlComponent(str)", "Decodes a percent-encoded URL component."),
    f("decodeUrl", "$decodeUrl(str)", "Decodes a percent-encoded URL."),
    // Numbers.
    f("number", "$number(arg)", "Casts to a number."),
    f("abs", "$abs(number)", "The absolute value."),
    f("floor", "$floor(number)", "Rounded down."),
    f("ceil", "$ceil(number)", "Rounded up."),
    f("round", "$round(number, precision?)", "Rounded half to even."),
    f("power", "$power(base, exponent)", "base to the power exponent."),
    f("sqrt", "$sqrt(number)", "The square root."),
    f("random", "$random()", "A pseudo-random number in [0, 1)."),
    f("formatNumber", "$formatNumber(number, picture, options?)", "Formats with an XPath picture string."),
    f("formatBase", "$formatBase(number, radix?)", "Formats in another base."),
    f("formatInteger", "$formatInteger(number, picture)", "Formats an integer (e.g. as words or roman numerals)."),
    f("parseInteger", "$parseInteger(string, picture)", "Parses an integer formatted with a picture."),
    // Booleans.
    f("boolean", "$boolean(arg)", "Casts to a Boolean."),
    f("not", "$not(arg)", "Logical negation."),
    f("exists", "$exists(arg)", "Whether the expression has a value."),
    // Arrays.
    f("append", "$append(array1, array2)", "Concatenates two arrays."),
    f("sort", "$sort(array, function?)", "Sorted (by a comparator)."),
    f("reverse", "$reverse(array)", "Reversed."),
    f("shuffle", "$shuffle(array)", "In random order."),
    f("distinct", "$distinct(array)", "Duplicates removed."),
    f("zip", "$zip(array1, ...)", "Arrays convolved into an array of tuples."),
    // Objects.
    f("keys", "$keys(object)", "The keys of an object."),
    f("lookup", "$lookup(object, key)", "The value of a key."),
    f("spread", "$spread(object)", "An array of one-key objects."),
    f("merge", "$merge(array<object>)", "Objects merged into one."),
    f("sift", "$sift(object, function)", "The members the function accepts."),
    f("each", "$each(object, function)", "The function applied to each member."),
    f("error", "$error(message)", "Raises an error."),
    f("assert", "$assert(condition, message)", "Raises an error when the condition is false."),
    f("type", "$type(value)", "The type's name."),
    // Higher-order.
    f("map", "$map(array, function)", "The function applied to each item."),
    f("filter", "$filter(array, function)", "The items the function accepts."),
    f("single", "$single(array, function)", "The one item the function accepts."),
    f("reduce", "$reduce(array, function, init?)", "Folds the array into one value."),
    // Date and time.
    f("now", "$now(picture?, timezone?)", "The current time, ISO 8601 (the same throughout one evaluation)."),
    f("millis", "$millis()", "The current time in milliseconds since the epoch."),
    f("fromMillis", "$fromMillis(number, picture?, timezone?)", "Milliseconds to an ISO 8601 string."),
    f("toMillis", "$toMillis(timestamp, picture?)", "An ISO 8601 string to milliseconds."),
    f("clone", "$clone(value)", "A deep copy."),
    // Step Functions' additions.
    f("partition", "$partition(array, size)", "Step Functions: splits an array into chunks of size."),
    f("range", "$range(start, end, step)", "Step Functions: the numbers from start to end (inclusive) by step."),
    f("hash", "$hash(data, algorithm)", "Step Functions: the hash of a string (MD5, SHA-1, SHA-256, SHA-384, SHA-512)."),
    f("uuid", "$uuid()", "Step Functions: a random v4 UUID."),
    f("parse", "$parse(jsonString)", "Step Functions: parses a JSON string."),
];

/// `$states` in JSONata: what each field holds and where it exists.
pub const STATES_FIELDS: &[(&str, &str)] = &[
    ("$states.input", "The state's input."),
    (
        "$states.result",
        "The result of the Task, Parallel or Map, in its Output and Assign.",
    ),
    (
        "$states.errorOutput",
        "The error output, in a Catch's Output and Assign: `{\"Error\": ..., \"Cause\": ...}`.",
    ),
    (
        "$states.context",
        "The context object: Execution, StateMachine, State, Task, Map.",
    ),
    (
        "$states.context.Task.Token",
        "The task token, in a Task that waits for a callback: pass it to the worker.",
    ),
    ("$states.context.Execution.Input", "The execution's input."),
    (
        "$states.context.Execution.StartTime",
        "When the execution started (ISO 8601).",
    ),
    ("$states.context.State.Name", "The current state's name."),
    (
        "$states.context.State.RetryCount",
        "How many times the current state has been retried.",
    ),
    (
        "$states.context.Map.Item.Value",
        "The Map item being processed (in ItemSelector).",
    ),
    (
        "$states.context.Map.Item.Index",
        "The index of the Map item being processed (in ItemSelector).",
    ),
];

/// Whether `name` (without `$`) is a function of the library rather than a variable.
pub fn is_function(name: &str) -> bool {
    name == "states" || JSONATA_FUNCTIONS.iter().any(|f| f.name == name)
}
