Feature: Admission and the queue
  A bounded two-priority queue that pushes back with 429 when full (home profile §2 and §9;
  FR-DP-001, FR-DP-003, FR-MA-003). Pool "tight" runs one task at a time and queues one more.

  Scenario: FR-DP-003 HP-9.2 HP-2.3 a full queue answers 429 with Retry-After, X-Backoff-Ms and policy_label
    Given pool "tight" is running one long task and queues another
    When I submit a task to pool "tight" with max_tokens 4
    Then the status is 429
    And the header "Retry-After" is a whole number of at least 1
    And the header "X-Backoff-Ms" is a whole number of at least 1
    And the response is the error envelope with code "ADMISSION_REJECT"
    And the JSON at "policy_label" is "reject"
    And the JSON at "retriable" is "true"

  Scenario: FR-DP-003 HP-2.1 the task that waits in the bounded queue reports its position
    Given pool "tight" is running one long task
    When I submit a task to pool "tight" with max_tokens 4
    Then the status is 202
    And the JSON at "queue_position" is "0"
    And the JSON at "pool_id" is "tight"

  Scenario Outline: FR-MA-003 HP-2.1 a task of priority <priority> is admitted and streams to its end
    When I submit a "<priority>" task to pool "sim" with max_tokens 3
    Then the status is 202
    When I stream the task
    Then the last frame is "end"

    Examples:
      | priority    |
      | interactive |
      | batch       |

  Scenario: FR-DP-001 HP-2.4 HP-12.2 a task with every field the CLI sends is accepted
    When I POST "/v1/tasks" with
      """
      {"task_id": "6f1c2a7e-0d4b-4c3a-9b8e-1f2d3c4b5a69", "session_id": "7d2f4b8e-1a3c-4e5f-8a9b-0c1d2e3f4a5b",
       "workload": "completion", "model_ref": "sim:bdd?tps=400", "engine": "llamacpp", "ctx": 256,
       "priority": "batch", "seed": 42, "determinism": "strict", "sampler_profile_version": "v1",
       "prompt": "Once upon a time", "max_tokens": 4, "deadline_ms": 60000, "kv_hint": "reuse"}
      """
    Then the status is 202
    And the JSON at "task_id" is "6f1c2a7e-0d4b-4c3a-9b8e-1f2d3c4b5a69"
    And the JSON at "seed" is "42"

  Scenario: FR-ER-001 HP-9.1 an invalid field is a 400 in the error envelope, naming the field
    When I POST "/v1/tasks" with
      """
      {"prompt": "Once upon a time", "model_ref": "sim:bdd?tps=400", "priority": "urgent"}
      """
    Then the status is 400
    And the response is the error envelope with code "INVALID_PARAMS"
    And the body contains "priority"
