Feature: Errors
  One error envelope {code, message, engine, correlation_id} across 400/404/415/429/503 (FR-ER-001;
  home profile §9). Bad input is a 4xx that says what is wrong, never a 500.

  Scenario: FR-ER-001 HP-9.1 a body that is not JSON is a 400 in the envelope
    When I POST "/v1/tasks" with
      """
      {"prompt": "Once upon
      """
    Then the status is 400
    And the response is the error envelope with code "INVALID_PARAMS"
    And the JSON has "correlation_id"

  Scenario: FR-ER-001 a task for a model no pool serves is a 503 in the envelope
    When I POST "/v1/tasks" with
      """
      {"prompt": "Once upon a time", "model_ref": "sim:nobody-serves-this"}
      """
    Then the status is 503
    And the response is the error envelope with code "POOL_UNAVAILABLE"

  Scenario: FR-ER-001 an unknown task's stream is a 404 in the envelope
    When I GET "/v1/tasks/0b0b0b0b-0000-4000-8000-000000000000/stream"
    Then the status is 404
    And the JSON has "code"
    And the JSON has "engine"

  Scenario: FR-ER-002 HP-9.2 a 429's headers and body give one consistent wait
    Given pool "tight" is running one long task and queues another
    When I submit a task to pool "tight" with max_tokens 4
    Then the status is 429
    And the header "X-Backoff-Ms" is the JSON's "retry_after_ms" and "Retry-After" is it in whole seconds, rounded up
