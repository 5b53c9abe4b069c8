//! Which API model each optimized integration takes (beside `integrations::INTEGRATIONS`), and
//! the integration's own rules where its form differs from the API's: members that take any
//! JSON where the API takes a string (`../shared/reference/step-functions-api.md`), and the
//! integrations whose form is Step Functions' own (`eks:call`, `apigateway:invoke`, ...), which
//! no model describes. The table is data; `optimized` is the one reader of it.

use std::sync::OnceLock;

use super::api::{self, Operation, Service};
use super::Resource;

/// How an optimized integration maps onto an API model.
pub struct IntegrationModel {
    /// `SERVICE:API` as in the Resource (`lambda:invoke`).
    pub resource: &'static str,
    /// botocore's service name (`stepfunctions`) and the operation's action (`startExecution`).
    pub model: Option<(&'static str, &'static str)>,
    /// Input members (dotted paths through lists: `Entries.Detail`) that take any JSON.
    pub any_json_input: &'static [&'static str],
    /// Output members a request-response call answers with any JSON.
    pub any_json_output: &'static [&'static str],
}

const fn api(
    resource: &'static str,
    service: &'static str,
    action: &'static str,
) -> IntegrationModel {
    IntegrationModel {
        resource,
        model: Some((service, action)),
        any_json_input: &[],
        any_json_output: &[],
    }
}

/// Step Functions' own form: no API model describes its members.
const fn own(resource: &'static str) -> IntegrationModel {
    IntegrationModel {
        resource,
        model: None,
        any_json_input: &[],
        any_json_output: &[],
    }
}

pub const INTEGRATION_MODELS: &[IntegrationModel] = &[
    own("apigateway:invoke"),
    api(
        "athena:startQueryExecution",
        "athena",
        "startQueryExecution",
    ),
    api("athena:stopQueryExecution", "athena", "stopQueryExecution"),
    api("athena:getQueryExecution", "athena", "getQueryExecution"),
    api("athena:getQueryResults", "athena", "getQueryResults"),
    api("batch:submitJob", "batch", "submitJob"),
    // Body takes JSON, and Input / Output name S3 locations the API does not have.
    own("bedrock:invokeModel"),
    api(
        "bedrock:createModelCustomizationJob",
        "bedrock",
        "createModelCustomizationJob",
    ),
    api("codebuild:startBuild", "codebuild", "startBuild"),
    api("codebuild:stopBuild", "codebuild", "stopBuild"),
    api(
        "codebuild:batchDeleteBuilds",
        "codebuild",
        "batchDeleteBuilds",
    ),
    api("codebuild:batchGetReports", "codebuild", "batchGetReports"),
    api("codebuild:startBuildBatch", "codebuild", "startBuildBatch"),
    api("codebuild:stopBuildBatch", "codebuild", "stopBuildBatch"),
    api("codebuild:retryBuildBatch", "codebuild", "retryBuildBatch"),
    api(
        "codebuild:deleteBuildBatch",
        "codebuild",
        "deleteBuildBatch",
    ),
    api("dynamodb:getItem", "dynamodb", "getItem"),
    api("dynamodb:putItem", "dynamodb", "putItem"),
    api("dynamodb:deleteItem", "dynamodb", "deleteItem"),
    api("dynamodb:updateItem", "dynamodb", "updateItem"),
    api("ecs:runTask", "ecs", "runTask"),
    api("eks:createCluster", "eks", "createCluster"),
    api("eks:deleteCluster", "eks", "deleteCluster"),
    api("eks:createFargateProfile", "eks", "createFargateProfile"),
    api("eks:deleteFargateProfile", "eks", "deleteFargateProfile"),
    api("eks:createNodegroup", "eks", "createNodegroup"),
    api("eks:deleteNodegroup", "eks", "deleteNodegroup"),
    own("eks:runJob"),
    own("eks:call"),
    // EMR's optimized names are Step Functions' own (createCluster is RunJobFlow, addStep takes
    // one Step): no model is applied to them.
    own("elasticmapreduce:createCluster"),
    own("elasticmapreduce:terminateCluster"),
    own("elasticmapreduce:addStep"),
    own("elasticmapreduce:cancelStep"),
    own("elasticmapreduce:setClusterTerminationProtection"),
    own("elasticmapreduce:modifyInstanceFleetByName"),
    own("elasticmapreduce:modifyInstanceGroupByName"),
    api(
        "emr-containers:createVirtualCluster",
        "emr-containers",
        "createVirtualCluster",
    ),
    api(
        "emr-containers:deleteVirtualCluster",
        "emr-containers",
        "deleteVirtualCluster",
    ),
    api(
        "emr-containers:startJobRun",
        "emr-containers",
        "startJobRun",
    ),
    api(
        "emr-serverless:createApplication",
        "emr-serverless",
        "createApplication",
    ),
    api(
        "emr-serverless:startApplication",
        "emr-serverless",
        "startApplication",
    ),
    api(
        "emr-serverless:stopApplication",
        "emr-serverless",
        "stopApplication",
    ),
    api(
        "emr-serverless:deleteApplication",
        "emr-serverless",
        "deleteApplication",
    ),
    api(
        "emr-serverless:startJobRun",
        "emr-serverless",
        "startJobRun",
    ),
    api(
        "emr-serverless:cancelJobRun",
        "emr-serverless",
        "cancelJobRun",
    ),
    IntegrationModel {
        any_json_input: &["Entries.Detail"],
        ..api("events:putEvents", "events", "putEvents")
    },
    api("glue:startJobRun", "glue", "startJobRun"),
    api("databrew:startJobRun", "databrew", "startJobRun"),
    own("http:invoke"),
    IntegrationModel {
        any_json_input: &["Payload"],
        any_json_output: &["Payload"],
        ..api("lambda:invoke", "lambda", "invoke")
    },
    api("mediaconvert:createJob", "mediaconvert", "createJob"),
    api(
        "sagemaker:createTrainingJob",
        "sagemaker",
        "createTrainingJob",
    ),
    api(
        "sagemaker:createTransformJob",
        "sagemaker",
        "createTransformJob",
    ),
    api(
        "sagemaker:createProcessingJob",
        "sagemaker",
        "createProcessingJob",
    ),
    api(
        "sagemaker:createHyperParameterTuningJob",
        "sagemaker",
        "createHyperParameterTuningJob",
    ),
    api(
        "sagemaker:createLabelingJob",
        "sagemaker",
        "createLabelingJob",
    ),
    api("sagemaker:createModel", "sagemaker", "createModel"),
    api("sagemaker:createEndpoint", "sagemaker", "createEndpoint"),
    api(
        "sagemaker:createEndpointConfig",
        "sagemaker",
        "createEndpointConfig",
    ),
    api("sagemaker:updateEndpoint", "sagemaker", "updateEndpoint"),
    IntegrationModel {
        any_json_input: &["Message"],
        ..api("sns:publish", "sns", "publish")
    },
    IntegrationModel {
        any_json_input: &["MessageBody"],
        ..api("sqs:sendMessage", "sqs", "sendMessage")
    },
    IntegrationModel {
        any_json_input: &["Input"],
        ..api("states:startExecution", "stepfunctions", "startExecution")
    },
];

/// The API a Task's Resource calls, with the optimized integration's rules when it is one.
#[derive(Clone, Copy)]
pub struct Target {
    pub service: &'static Service,
    pub operation: &'static Operation,
    pub rules: Option<&'static IntegrationModel>,
}

impl Target {
    /// Whether the member at `path` (member names from the top, lists skipped) takes any JSON.
    pub fn any_json_input(&self, path: &[&str]) -> bool {
        self.rules
            .is_some_and(|r| r.any_json_input.iter().any(|p| same_path(p, path)))
    }

    pub fn any_json_output(&self, path: &[&str]) -> bool {
        self.rules
            .is_some_and(|r| r.any_json_output.iter().any(|p| same_path(p, path)))
    }
}

fn same_path(dotted: &str, path: &[&str]) -> bool {
    dotted.split('.').eq(path.iter().copied())
}

/// The API model behind a resolved Resource: an optimized integration with a model, or an
/// `aws-sdk` call of a known service and action (`None` for anything else).
pub fn target(resource: &Resource) -> Option<Target> {
    match resource {
        Resource::Optimized { service, api, .. } => {
            // Resolved once per row: a machine calls the same integration many times.
            static TARGETS: OnceLock<Vec<OnceLock<Option<Target>>>> = OnceLock::new();
            let targets = TARGETS
                .get_or_init(|| INTEGRATION_MODELS.iter().map(|_| OnceLock::new()).collect());
            let row = INTEGRATION_MODELS.iter().position(|m| {
                m.resource
                    .split_once(':')
                    .is_some_and(|(s, a)| s == *service && a == *api)
            })?;
            *targets[row].get_or_init(|| {
                let rules = &INTEGRATION_MODELS[row];
                let (model, action) = rules.model?;
                let service = api::service_by_model_name(model)?;
                Some(Target {
                    service,
                    operation: service.operation(action)?,
                    rules: Some(rules),
                })
            })
        }
        Resource::AwsSdk {
            service, action, ..
        } => {
            let service = api::service(service)?;
            Some(Target {
                service,
                operation: service.operation(action)?,
                rules: None,
            })
        }
        _ => None,
    }
}

/// The model row of an optimized integration (`lambda`, `invoke`).
pub fn optimized(service: &str, api: &str) -> Option<&'static IntegrationModel> {
    INTEGRATION_MODELS.iter().find(|m| {
        m.resource
            .split_once(':')
            .is_some_and(|(s, a)| s == service && a == api)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::integrations::INTEGRATIONS;

    /// Every optimized API has a row, and every row's model exists.
    #[test]
    fn every_integration_has_a_row_and_every_model_exists() {
        for integration in INTEGRATIONS {
            for a in integration.apis {
                let row = optimized(integration.service, a.name)
                    .unwrap_or_else(|| panic!("{}:{} has no row", integration.service, a.name));
                if let Some((service, action)) = row.model {
                    let model = api::service_by_model_name(service)
                        .unwrap_or_else(|| panic!("no model {service}"));
                    assert!(
                        model.operations.iter().any(|o| o.action == action),
                        "{service} has no {action}"
                    );
                }
            }
        }
        assert_eq!(
            INTEGRATION_MODELS.len(),
            INTEGRATIONS.iter().map(|i| i.apis.len()).sum::<usize>()
        );
    }
}
