Feature: Cancellation
  A CLI can cancel a task it no longer needs (cli-feature-requirements, acceptance criteria; FR-DP-002 end frame).

  Scenario: FR-DP-002 a cancelled running task's stream ends with end, canceled true
    Given pool "tight" is running one long task
    When I cancel the task "running"
    Then the status is 204
    When I stream the task "running"
    Then the last frame is "end"
    And the "end" frame has "canceled" equal to "true"
    And the "end" frame has "stop_reason" equal to "canceled"

  Scenario: FR-DP-002 cancelling a finished task is a no-op that keeps its last frame
    Given I submit a task to pool "sim" with max_tokens 2 as "done"
    And I stream the task "done"
    When I cancel the task "done"
    Then the status is 204
    When I stream the task "done"
    Then the "end" frame has "canceled" equal to "false"

  Scenario: FR-DP-002 a task cancelled while queued ends with no tokens
    Given pool "tight" is running one long task and queues another
    When I cancel the task "queued"
    Then the status is 204
    When I stream the task "queued"
    Then the last frame is "end"
    And there are 0 "token" frames
    And the "end" frame has "canceled" equal to "true"
    And the "end" frame has "tokens_out" equal to "0"

  Scenario: FR-ER-001 cancelling an unknown task is 404
    When I POST "/v1/tasks/0a0a0a0a-0000-4000-8000-000000000000/cancel"
    Then the status is 404
