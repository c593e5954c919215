Feature: Errors
  One error envelope {code, message, engine, correlation_id} across 400/404/415/429/503 (FR-ER-001;
  home profile §9). Bad input is a 4xx that says what is wrong, never a 500.

  Scenario: FR-ER-001 a body that is not JSON is a 400 in the envelope
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
