variable "stage" {
  default = "prod"
}

locals {
  timeout = 30
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_sfn_state_machine" "encoded" {
  name     = "encoded-${var.stage}"
  role_arn = "arn:aws:iam::123456789012:role/sfn"
  definition = jsonencode({
    Comment = "Work, then report."
    StartAt = "Work"
    States = {
      Work = {
        Type           = "Task"
        Resource       = aws_lambda_function.worker.arn
        TimeoutSeconds = local.timeout
        Next           = "Report"
      }
      Report = {
        Type     = "Task"
        Resource = "arn:aws:states:::sqs:sendMessage"
        Parameters = {
          QueueUrl        = aws_sqs_queue.jobs.url
          "MessageBody.$" = "$"
        }
        End = true
      }
    }
  })
}

