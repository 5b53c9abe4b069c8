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
        Nxt = "Done"
        End = true
      }
    }
  })
}

resource "aws_sfn_state_machine" "heredoc" {
  name       = "heredoc"
  role_arn   = "arn:aws:iam::123456789012:role/sfn"
  definition = <<EOF
{
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "${aws_lambda_function.worker.arn}",
      "Next": "Nowhere"
    }
  }
}
EOF
}

resource "aws_sfn_state_machine" "quoted" {
  name       = "quoted"
  role_arn   = "arn:aws:iam::123456789012:role/sfn"
  definition = "{\"StartAt\": \"Hello\", \"States\": {\"Hello\": {\"Type\": \"Pass\", \"Result\": \"${var.stage}\", \"End\": true, \"Parameter\": 1}}}"
}

resource "aws_sfn_state_machine" "templated" {
  name       = "templated"
  role_arn   = "arn:aws:iam::123456789012:role/sfn"
  definition = templatefile("${path.module}/statemachine/templated.asl.json", {
    worker_arn = aws_lambda_function.worker.arn
    queue_url  = aws_sqs_queue.jobs.url
  })
}
