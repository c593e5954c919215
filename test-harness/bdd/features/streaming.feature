Feature: Task streaming
  The data plane streams a task's events as Server-Sent Events in a fixed order (cli-feature-requirements
  FR-DP-002; home profile §3).

  Scenario: FR-DP-002 the stream is started, then tokens in order, then end
    When I submit a task to pool "sim" with max_tokens 8
    Then the status is 202
    When I stream the task
    Then the first frame is "started"
    And the last frame is "end"
    And there are 8 "token" frames
    And the token frames number their tokens 0, 1, 2, … in order
    And the "end" frame has "tokens_out" equal to "8"
    And the "end" frame has "canceled" equal to "false"

  Scenario: FR-DP-002 the stream surfaces queue depth and token counters in metrics frames
    When I submit a task to pool "sim" with max_tokens 64
    And I stream the task
    Then there is at least one "metrics" frame
    And every "metrics" frame has "queue_depth"
    And every "metrics" frame has "tokens_out"
    And the last frame is "end"

  Scenario: FR-DP-005 the admission response names the queue position and predicted start
    When I submit a task to pool "sim" with max_tokens 4
    Then the status is 202
    And the JSON at "queue_position" is a number
    And the JSON at "predicted_start_ms" is a number
    And the JSON at "task_id" is a non-empty string
    And there is a "Location" header
