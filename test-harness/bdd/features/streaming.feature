Feature: Task streaming
  The data plane streams a task's events as Server-Sent Events in a fixed order (cli-feature-requirements
  FR-DP-002; home profile §3).

  Scenario: FR-DP-002 HP-3.1 the stream is started, then tokens in order, then end
    When I submit a task to pool "sim" with max_tokens 8
    Then the status is 202
    When I stream the task
    Then the first frame is "started"
    And the last frame is "end"
    And there are 8 "token" frames
    And the token frames number their tokens 0, 1, 2, … in order
    And the "end" frame has "tokens_out" equal to "8"
    And the "end" frame has "canceled" equal to "false"

  Scenario: FR-DP-002 HP-3.3 the stream surfaces queue depth and token counters in metrics frames
    When I submit a task to pool "sim" with max_tokens 64
    And I stream the task
    Then there is at least one "metrics" frame
    And every "metrics" frame has "queue_depth"
    And every "metrics" frame has "tokens_out"
    And the last frame is "end"

  Scenario: FR-DP-005 HP-2.5 the admission response names the queue position and predicted start
    When I submit a task to pool "sim" with max_tokens 4
    Then the status is 202
    And the JSON at "queue_position" is a number
    And the JSON at "predicted_start_ms" is a number
    And the JSON at "task_id" is a non-empty string
    And there is a "Location" header

  Scenario: HP-3.2 the stream's response carries the correlation id and the session's budget headers
    Given I PUT "/v1/sessions/8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/budget" with
      """
      {"tokens": 5000}
      """
    And I submit a task to pool "sim" with max_tokens 3 in session "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    And requests carry the header "X-Correlation-Id" with "bdd-stream-32"
    When I stream the task
    Then the header "X-Correlation-Id" is "bdd-stream-32"
    And the header "X-Budget-Tokens-Remaining" is a whole number of at least 1
    And the last frame is "end"

  Scenario: FR-DP-002 one request submits the task and streams it, its admission in headers
    When I submit a task to pool "sim" with max_tokens 5 asking for its stream
    Then the status is 200
    And there is a "X-Task-Id" header
    And the header "X-Pool-Id" is "sim"
    And the header "X-Queue-Position" is "0"
    And the first frame is "started"
    And there are 5 "token" frames
    And the last frame is "end"

  Scenario: FR-DP-003 a one-request stream the full queue refuses is still the JSON 429
    Given pool "tight" is running one long task and queues another
    When I submit a task to pool "tight" with max_tokens 4 asking for its stream
    Then the status is 429
    And the response is the error envelope with code "ADMISSION_REJECT"
    And the header "Retry-After" is a whole number of at least 1

  Scenario: FR-OB-003 a task with a deadline hears its chance to finish on time in its metrics frames
    When I POST "/v1/tasks" with
      """
      {"prompt": "Once upon a time", "model_ref": "sim:bdd?tps=400", "max_tokens": 64, "deadline_ms": 120000}
      """
    Then the status is 202
    And I remember the JSON at "task_id" as "task"
    When I stream the task
    Then some "metrics" frame has "on_time_probability"
    And some "metrics" frame has "deadline_remaining_ms"
    And every "metrics" frame has "queue_depth"
    And the last frame is "end"
