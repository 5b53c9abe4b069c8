//! What a `Ref` or `Fn::GetAtt` of a resource of the same template stands for: a value of the
//! right kind, so integrations resolve and the definition reads as deployed. The account and
//! region are the simulator's own.

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// A resource type, its `Ref` and its attributes. `{id}`: the logical id (or Terraform name),
/// `{lower}`: the same in lower case (bucket names), `{region}`, `{account}`.
struct Kind {
    types: &'static [&'static str],
    reference: &'static str,
    attributes: &'static [(&'static str, &'static str)],
}

const LAMBDA_ARN: &str = "arn:aws:lambda:{region}:{account}:function:{id}";
const QUEUE_URL: &str = "https://sqs.{region}.amazonaws.com/{account}/{id}";
const TOPIC_ARN: &str = "arn:aws:sns:{region}:{account}:{id}";
const TABLE_ARN: &str = "arn:aws:dynamodb:{region}:{account}:table/{id}";
const MACHINE_ARN: &str = "arn:aws:states:{region}:{account}:stateMachine:{id}";

const KINDS: &[Kind] = &[
    Kind {
        types: &[
            "AWS::Lambda::Function",
            "AWS::Serverless::Function",
            "aws_lambda_function",
        ],
        reference: "{id}",
        attributes: &[
            ("Arn", LAMBDA_ARN),
            ("arn", LAMBDA_ARN),
            ("function_name", "{id}"),
            ("invoke_arn", LAMBDA_ARN),
        ],
    },
    Kind {
        types: &["AWS::Lambda::Alias", "AWS::Lambda::Version"],
        reference: "arn:aws:lambda:{region}:{account}:function:{id}:1",
        attributes: &[],
    },
    Kind {
        types: &["AWS::SQS::Queue", "aws_sqs_queue"],
        reference: QUEUE_URL,
        attributes: &[
            ("Arn", "arn:aws:sqs:{region}:{account}:{id}"),
            ("arn", "arn:aws:sqs:{region}:{account}:{id}"),
            ("QueueName", "{id}"),
            ("name", "{id}"),
            ("QueueUrl", QUEUE_URL),
            ("url", QUEUE_URL),
            ("id", QUEUE_URL),
        ],
    },
    Kind {
        types: &["AWS::SNS::Topic", "aws_sns_topic"],
        reference: TOPIC_ARN,
        attributes: &[
            ("TopicArn", TOPIC_ARN),
            ("arn", TOPIC_ARN),
            ("TopicName", "{id}"),
            ("name", "{id}"),
        ],
    },
    Kind {
        types: &[
            "AWS::DynamoDB::Table",
            "AWS::DynamoDB::GlobalTable",
            "AWS::Serverless::SimpleTable",
            "aws_dynamodb_table",
        ],
        reference: "{id}",
        attributes: &[
            ("Arn", TABLE_ARN),
            ("arn", TABLE_ARN),
            ("name", "{id}"),
            (
                "StreamArn",
                "arn:aws:dynamodb:{region}:{account}:table/{id}/stream/2024-01-01T00:00:00.000",
            ),
        ],
    },
    Kind {
        types: &[
            "AWS::StepFunctions::StateMachine",
            "AWS::Serverless::StateMachine",
            "aws_sfn_state_machine",
        ],
        reference: MACHINE_ARN,
        attributes: &[
            ("Arn", MACHINE_ARN),
            ("arn", MACHINE_ARN),
            ("Name", "{id}"),
            ("name", "{id}"),
        ],
    },
    Kind {
        types: &["AWS::StepFunctions::Activity", "aws_sfn_activity"],
        reference: "arn:aws:states:{region}:{account}:activity:{id}",
        attributes: &[
            ("Arn", "arn:aws:states:{region}:{account}:activity:{id}"),
            ("arn", "arn:aws:states:{region}:{account}:activity:{id}"),
            ("Name", "{id}"),
        ],
    },
    Kind {
        types: &["AWS::S3::Bucket", "aws_s3_bucket"],
        reference: "{lower}",
        attributes: &[
            ("Arn", "arn:aws:s3:::{lower}"),
            ("arn", "arn:aws:s3:::{lower}"),
            ("bucket", "{lower}"),
            ("DomainName", "{lower}.s3.amazonaws.com"),
        ],
    },
    Kind {
        types: &["AWS::Events::EventBus", "aws_cloudwatch_event_bus"],
        reference: "{id}",
        attributes: &[
            ("Arn", "arn:aws:events:{region}:{account}:event-bus/{id}"),
            ("arn", "arn:aws:events:{region}:{account}:event-bus/{id}"),
            ("Name", "{id}"),
            ("name", "{id}"),
        ],
    },
    Kind {
        types: &["AWS::IAM::Role", "aws_iam_role"],
        reference: "{id}",
        attributes: &[
            ("Arn", "arn:aws:iam::{account}:role/{id}"),
            ("arn", "arn:aws:iam::{account}:role/{id}"),
            ("name", "{id}"),
        ],
    },
    Kind {
        types: &["AWS::ECS::Cluster", "aws_ecs_cluster"],
        reference: "{id}",
        attributes: &[
            ("Arn", "arn:aws:ecs:{region}:{account}:cluster/{id}"),
            ("arn", "arn:aws:ecs:{region}:{account}:cluster/{id}"),
        ],
    },
    Kind {
        types: &["AWS::ECS::TaskDefinition", "aws_ecs_task_definition"],
        reference: "arn:aws:ecs:{region}:{account}:task-definition/{id}:1",
        attributes: &[
            (
                "TaskDefinitionArn",
                "arn:aws:ecs:{region}:{account}:task-definition/{id}:1",
            ),
            (
                "arn",
                "arn:aws:ecs:{region}:{account}:task-definition/{id}:1",
            ),
        ],
    },
    Kind {
        types: &["AWS::Batch::JobQueue", "aws_batch_job_queue"],
        reference: "arn:aws:batch:{region}:{account}:job-queue/{id}",
        attributes: &[
            (
                "JobQueueArn",
                "arn:aws:batch:{region}:{account}:job-queue/{id}",
            ),
            ("arn", "arn:aws:batch:{region}:{account}:job-queue/{id}"),
        ],
    },
    Kind {
        types: &["AWS::Batch::JobDefinition", "aws_batch_job_definition"],
        reference: "arn:aws:batch:{region}:{account}:job-definition/{id}:1",
        attributes: &[(
            "arn",
            "arn:aws:batch:{region}:{account}:job-definition/{id}:1",
        )],
    },
    Kind {
        types: &["AWS::Glue::Job", "aws_glue_job"],
        reference: "{id}",
        attributes: &[("name", "{id}")],
    },
    Kind {
        types: &["AWS::Kinesis::Stream", "aws_kinesis_stream"],
        reference: "{id}",
        attributes: &[
            ("Arn", "arn:aws:kinesis:{region}:{account}:stream/{id}"),
            ("arn", "arn:aws:kinesis:{region}:{account}:stream/{id}"),
            ("name", "{id}"),
        ],
    },
    Kind {
        types: &["AWS::SecretsManager::Secret", "aws_secretsmanager_secret"],
        reference: "arn:aws:secretsmanager:{region}:{account}:secret:{id}-AbCdEf",
        attributes: &[(
            "arn",
            "arn:aws:secretsmanager:{region}:{account}:secret:{id}-AbCdEf",
        )],
    },
];

/// The value of a reference to resource `id` of type `kind`: `attribute` `None` for `Ref`.
/// `None` when the kind or attribute is not known (the caller keeps a placeholder).
pub fn value(kind: &str, id: &str, attribute: Option<&str>) -> Option<String> {
    let entry = KINDS.iter().find(|k| k.types.contains(&kind))?;
    let pattern = match attribute {
        None => entry.reference,
        Some(name) => entry.attributes.iter().find(|(a, _)| *a == name)?.1,
    };
    Some(
        pattern
            .replace("{region}", REGION)
            .replace("{account}", ACCOUNT)
            .replace("{lower}", &id.to_ascii_lowercase())
            .replace("{id}", id),
    )
}

/// CloudFormation's pseudo parameters.
pub fn pseudo(name: &str) -> Option<String> {
    Some(match name {
        "AWS::Region" => REGION.into(),
        "AWS::AccountId" => ACCOUNT.into(),
        "AWS::Partition" => "aws".into(),
        "AWS::URLSuffix" => "amazonaws.com".into(),
        "AWS::StackName" => "stack".into(),
        "AWS::StackId" => format!("arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/stack/1"),
        _ => return None,
    })
}
