//! Resource ARNs → (service, API, pattern), against the table of optimized integrations
//! (`../shared/reference/asl-facts.md`). The table is data; `resolve` is the one reader of it.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// Call the API and move on when it answers.
    RequestResponse,
    /// `.sync`: run a job and wait for it to finish.
    Sync,
    /// `.sync:2` (Step Functions `startExecution` only): as `.sync`, output as JSON.
    Sync2,
    /// `.waitForTaskToken`: pause until SendTaskSuccess / SendTaskFailure with the token.
    WaitForTaskToken,
}

impl Pattern {
    pub fn suffix(self) -> &'static str {
        match self {
            Pattern::RequestResponse => "",
            Pattern::Sync => ".sync",
            Pattern::Sync2 => ".sync:2",
            Pattern::WaitForTaskToken => ".waitForTaskToken",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Pattern::RequestResponse => "request-response (call the API, continue when it answers)",
            Pattern::Sync | Pattern::Sync2 => {
                "run a job (call the API, wait until the job completes)"
            }
            Pattern::WaitForTaskToken => {
                "wait for a callback (pause until the task token is returned)"
            }
        }
    }
}

const RR: &[Pattern] = &[Pattern::RequestResponse];
const RR_W: &[Pattern] = &[Pattern::RequestResponse, Pattern::WaitForTaskToken];
const RR_S: &[Pattern] = &[Pattern::RequestResponse, Pattern::Sync];
const RR_S_W: &[Pattern] = &[
    Pattern::RequestResponse,
    Pattern::Sync,
    Pattern::WaitForTaskToken,
];
const RR_S_S2_W: &[Pattern] = &[
    Pattern::RequestResponse,
    Pattern::Sync,
    Pattern::Sync2,
    Pattern::WaitForTaskToken,
];

pub struct Api {
    pub name: &'static str,
    pub patterns: &'static [Pattern],
}

pub struct Integration {
    /// The service's name in the ARN: `arn:aws:states:::<service>:<api>`.
    pub service: &'static str,
    pub title: &'static str,
    pub apis: &'static [Api],
}

macro_rules! apis {
    ($patterns:expr; $($name:literal),* $(,)?) => { &[$(Api { name: $name, patterns: $patterns }),*] };
}

pub const INTEGRATIONS: &[Integration] = &[
    Integration {
        service: "apigateway",
        title: "Amazon API Gateway",
        apis: apis!(RR_W; "invoke"),
    },
    Integration {
        service: "athena",
        title: "Amazon Athena",
        apis: apis!(RR_S; "startQueryExecution", "stopQueryExecution", "getQueryExecution", "getQueryResults"),
    },
    Integration {
        service: "batch",
        title: "AWS Batch",
        apis: apis!(RR_S; "submitJob"),
    },
    Integration {
        service: "bedrock",
        title: "Amazon Bedrock",
        apis: apis!(RR_S_W; "invokeModel", "createModelCustomizationJob"),
    },
    Integration {
        service: "codebuild",
        title: "AWS CodeBuild",
        apis: apis!(RR_S; "startBuild", "stopBuild", "batchDeleteBuilds", "batchGetReports", "startBuildBatch", "stopBuildBatch", "retryBuildBatch", "deleteBuildBatch"),
    },
    Integration {
        service: "dynamodb",
        title: "Amazon DynamoDB",
        apis: apis!(RR; "getItem", "putItem", "deleteItem", "updateItem"),
    },
    Integration {
        service: "ecs",
        title: "Amazon ECS / Fargate",
        apis: apis!(RR_S_W; "runTask"),
    },
    Integration {
        service: "eks",
        title: "Amazon EKS",
        apis: apis!(RR_S_W; "createCluster", "deleteCluster", "createFargateProfile", "deleteFargateProfile", "createNodegroup", "deleteNodegroup", "runJob", "call"),
    },
    Integration {
        service: "elasticmapreduce",
        title: "Amazon EMR",
        apis: apis!(RR_S; "createCluster", "terminateCluster", "addStep", "cancelStep", "setClusterTerminationProtection", "modifyInstanceFleetByName", "modifyInstanceGroupByName"),
    },
    Integration {
        service: "emr-containers",
        title: "Amazon EMR on EKS",
        apis: apis!(RR_S; "createVirtualCluster", "deleteVirtualCluster", "startJobRun"),
    },
    Integration {
        service: "emr-serverless",
        title: "Amazon EMR Serverless",
        apis: apis!(RR_S; "createApplication", "startApplication", "stopApplication", "deleteApplication", "startJobRun", "cancelJobRun"),
    },
    Integration {
        service: "events",
        title: "Amazon EventBridge",
        apis: apis!(RR_W; "putEvents"),
    },
    Integration {
        service: "glue",
        title: "AWS Glue",
        apis: apis!(RR_S; "startJobRun"),
    },
    Integration {
        service: "databrew",
        title: "AWS Glue DataBrew",
        apis: apis!(RR_S; "startJobRun"),
    },
    Integration {
        service: "http",
        title: "HTTP endpoint (HTTPS API)",
        apis: apis!(RR; "invoke"),
    },
    Integration {
        service: "lambda",
        title: "AWS Lambda",
        apis: apis!(RR_W; "invoke"),
    },
    Integration {
        service: "mediaconvert",
        title: "AWS Elemental MediaConvert",
        apis: apis!(RR_S; "createJob"),
    },
    Integration {
        service: "sagemaker",
        title: "Amazon SageMaker",
        apis: &[
            Api {
                name: "createTrainingJob",
                patterns: RR_S,
            },
            Api {
                name: "createTransformJob",
                patterns: RR_S,
            },
            Api {
                name: "createProcessingJob",
                patterns: RR_S,
            },
            Api {
                name: "createHyperParameterTuningJob",
                patterns: RR_S,
            },
            Api {
                name: "createLabelingJob",
                patterns: RR_S,
            },
            Api {
                name: "createModel",
                patterns: RR,
            },
            Api {
                name: "createEndpoint",
                patterns: RR,
            },
            Api {
                name: "createEndpointConfig",
                patterns: RR,
            },
            Api {
                name: "updateEndpoint",
                patterns: RR,
            },
        ],
    },
    Integration {
        service: "sns",
        title: "Amazon SNS",
        apis: apis!(RR_W; "publish"),
    },
    Integration {
        service: "sqs",
        title: "Amazon SQS",
        apis: apis!(RR_W; "sendMessage"),
    },
    Integration {
        service: "states",
        title: "AWS Step Functions",
        apis: &[Api {
            name: "startExecution",
            patterns: RR_S_S2_W,
        }],
    },
];

/// Resources a Distributed Map reads items from or writes results to.
pub const ITEM_IO: &[&str] = &["s3:getObject", "s3:listObjectsV2", "s3:putObject"];

/// Of [`ITEM_IO`], the APIs an ItemReader calls, and the one a ResultWriter calls.
pub const ITEM_READER_APIS: &[&str] = &["s3:getObject", "s3:listObjectsV2"];
pub const RESULT_WRITER_APIS: &[&str] = &["s3:putObject"];

/// What a `Resource` string names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    Optimized {
        service: &'static str,
        title: &'static str,
        api: &'static str,
        pattern: Pattern,
    },
    /// `arn:aws:states:::aws-sdk:SERVICE:ACTION`.
    AwsSdk {
        service: String,
        action: String,
        pattern: Pattern,
    },
    /// A Lambda function ARN used directly.
    LambdaFunction {
        name: String,
    },
    Activity {
        name: String,
    },
    /// A `${...}` definition substitution: unknown until deployment.
    Placeholder,
    /// A Distributed Map item reader / result writer (`s3:getObject`, ...).
    ItemIo {
        api: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceError {
    /// Byte offsets of the part at fault within the resource string.
    pub start: usize,
    pub end: usize,
    pub message: String,
}

impl Resource {
    pub fn pattern(&self) -> Pattern {
        match self {
            Resource::Optimized { pattern, .. } | Resource::AwsSdk { pattern, .. } => *pattern,
            // An activity waits for a worker to send the token back, like a callback.
            Resource::Activity { .. } => Pattern::WaitForTaskToken,
            _ => Pattern::RequestResponse,
        }
    }
}

fn fault(start: usize, end: usize, message: impl Into<String>) -> ResourceError {
    ResourceError {
        start,
        end,
        message: message.into(),
    }
}

fn split_pattern(api: &str) -> (&str, Option<Pattern>, &str) {
    for (suffix, pattern) in [
        (".sync:2", Pattern::Sync2),
        (".sync", Pattern::Sync),
        (".waitForTaskToken", Pattern::WaitForTaskToken),
    ] {
        if let Some(base) = api.strip_suffix(suffix) {
            return (base, Some(pattern), suffix);
        }
    }
    (api, None, "")
}

fn describe_patterns(patterns: &[Pattern]) -> String {
    patterns
        .iter()
        .map(|p| match p {
            Pattern::RequestResponse => "request-response (no suffix)".to_string(),
            other => format!("`{}`", other.suffix()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolve a Resource string.
pub fn resolve(resource: &str) -> Result<Resource, ResourceError> {
    if resource.starts_with("${") && resource.ends_with('}') && !resource[2..].contains("${") {
        return Ok(Resource::Placeholder);
    }
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return Err(fault(0, resource.len(), "A Resource is an ARN: `arn:aws:states:::SERVICE:API`, a Lambda function ARN, or an activity ARN."));
    }
    // Offsets of each part, to point at the one at fault.
    let mut offsets = [0usize; 6];
    for i in 1..6 {
        offsets[i] = offsets[i - 1] + parts[i - 1].len() + 1;
    }
    let (service_part, rest) = (parts[2], parts[5]);
    match service_part {
        "states" if parts[3].is_empty() && parts[4].is_empty() => resolve_states(rest, offsets[5]),
        "states" => match rest.split_once(':') {
            Some(("activity", name)) if !name.is_empty() => Ok(Resource::Activity { name: name.to_string() }),
            // `arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject`: AWS reads an
            // integration with its region and account as the short form.
            _ => resolve_states(rest, offsets[5]),
        },
        "lambda" => {
            let Some(function) = rest.strip_prefix("function:") else {
                return Err(fault(offsets[5], resource.len(), "A Lambda ARN names a function: `arn:aws:lambda:REGION:ACCOUNT:function:NAME`."));
            };
            let (name, qualifier) = match function.split_once(':') {
                Some((n, q)) => (n, Some(q)),
                None => (function, None),
            };
            let name_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_') ) ;
            let placeholder = |s: &str| s.contains("${");
            if !(name_ok(name) || placeholder(name)) {
                return Err(fault(offsets[5] + 9, offsets[5] + 9 + name.len(), "A Lambda function name uses letters, digits, `-` and `_`."));
            }
            if let Some(q) = qualifier {
                if !(q == "$LATEST" || name_ok(q) || placeholder(q)) {
                    let at = offsets[5] + 9 + name.len() + 1;
                    return Err(fault(at - 1, resource.len(), "A Lambda alias or version uses letters, digits, `-` and `_` (or is `$LATEST`)."));
                }
            }
            Ok(Resource::LambdaFunction { name: name.to_string() })
        }
        _ if service_part.contains("${") => Ok(Resource::Placeholder),
        _ => Err(fault(offsets[2], offsets[2] + service_part.len(), format!("`{service_part}` is not a service a Task can call: use `arn:aws:states:::SERVICE:API`, a Lambda function or an activity."))),
    }
}

fn resolve_states(rest: &str, base: usize) -> Result<Resource, ResourceError> {
    let (service, api_full) = rest.split_once(':').unwrap_or((rest, ""));
    if let Some(sdk) = service.strip_prefix("aws-sdk").filter(|s| s.is_empty()) {
        let _ = sdk;
        let (sdk_service, action_full) = api_full.split_once(':').unwrap_or((api_full, ""));
        let (action, pattern, suffix) = split_pattern(action_full);
        if sdk_service.is_empty() || action.is_empty() {
            return Err(fault(
                base,
                base + rest.len(),
                "An AWS SDK integration is `arn:aws:states:::aws-sdk:SERVICE:ACTION`.",
            ));
        }
        let pattern = pattern.unwrap_or(Pattern::RequestResponse);
        if matches!(pattern, Pattern::Sync | Pattern::Sync2) {
            let at = base + rest.len() - suffix.len();
            return Err(fault(at, base + rest.len(), format!("AWS SDK integrations do not support `{suffix}`: they support request-response (no suffix) and `.waitForTaskToken`.")));
        }
        return Ok(Resource::AwsSdk {
            service: sdk_service.to_string(),
            action: action.to_string(),
            pattern,
        });
    }
    if service.contains("${") || api_full.contains("${") {
        return Ok(Resource::Placeholder);
    }
    let api_start = base + service.len() + 1;
    let Some(integration) = INTEGRATIONS.iter().find(|i| i.service == service) else {
        if ITEM_IO.contains(&rest) {
            return Ok(Resource::ItemIo {
                api: rest.to_string(),
            });
        }
        let known: Vec<&str> = INTEGRATIONS.iter().map(|i| i.service).collect();
        return Err(fault(base, base + service.len(), format!(
            "`{service}` has no optimized integration. Use `arn:aws:states:::aws-sdk:{service}:ACTION`, or one of: {}.",
            known.join(", ")
        )));
    };
    let (api_name, pattern, suffix) = split_pattern(api_full);
    let Some(api) = integration.apis.iter().find(|a| a.name == api_name) else {
        if ITEM_IO.contains(&rest) {
            return Ok(Resource::ItemIo {
                api: rest.to_string(),
            });
        }
        let names: Vec<&str> = integration.apis.iter().map(|a| a.name).collect();
        return Err(fault(
            api_start,
            api_start + api_name.len(),
            format!(
                "{} has no API `{api_name}` in its optimized integration; supported: {}.",
                integration.title,
                names.join(", ")
            ),
        ));
    };
    let pattern = pattern.unwrap_or(Pattern::RequestResponse);
    if !api.patterns.contains(&pattern) {
        let at = api_start + api_name.len();
        return Err(fault(
            at,
            at + suffix.len(),
            format!(
                "`{service}:{api_name}` does not support `{suffix}`; it supports {}.",
                describe_patterns(api.patterns)
            ),
        ));
    }
    Ok(Resource::Optimized {
        service: integration.service,
        title: integration.title,
        api: api.name,
        pattern,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_the_three_patterns() {
        let r = resolve("arn:aws:states:::sqs:sendMessage.waitForTaskToken").expect("valid");
        assert_eq!(r.pattern(), Pattern::WaitForTaskToken);
        let r = resolve("arn:aws:states:::batch:submitJob.sync").expect("valid");
        assert_eq!(r.pattern(), Pattern::Sync);
        let r = resolve("arn:aws-us-gov:states:::sns:publish").expect("valid");
        assert_eq!(r.pattern(), Pattern::RequestResponse);
        assert_eq!(resolve("${LambdaArn}"), Ok(Resource::Placeholder));
    }

    #[test]
    fn unsupported_pattern_names_the_supported_ones() {
        let e = resolve("arn:aws:states:::dynamodb:putItem.sync").expect_err("no .sync");
        assert!(
            e.message.contains("supports request-response"),
            "{}",
            e.message
        );
        let e = resolve("arn:aws:states:::aws-sdk:s3:getObject.sync").expect_err("sdk .sync");
        assert!(e.message.contains(".waitForTaskToken"));
        let e = resolve("arn:aws:states:::sqs:sendMesage").expect_err("typo");
        assert!(e.message.contains("sendMessage"));
    }

    #[test]
    fn lambda_and_activity_arns() {
        assert!(matches!(
            resolve("arn:aws:lambda:us-east-1:123:function:f:prod"),
            Ok(Resource::LambdaFunction { .. })
        ));
        assert!(resolve("arn:aws:lambda:us-east-1:123:function:f:").is_err());
        assert!(resolve("arn:aws:lambda:us-east-1:123:function:f:$*#").is_err());
        assert!(matches!(
            resolve("arn:aws:states:us-east-1:123:activity:a"),
            Ok(Resource::Activity { .. })
        ));
    }
}
