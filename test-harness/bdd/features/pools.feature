Feature: Pools
  Drain, resume, reload and health of a pool (FR-CP-002; home profile §5). Scenarios here use pool "ops"
  only, so that no other feature loses its pool.

  Scenario: FR-CP-002 HP-5.2 a pool's health is reported
    When I GET "/v1/pools/ops/health"
    Then the status is 200
    And the body contains "ops"

  Scenario: FR-CP-002 HP-5.2 a drained pool refuses new tasks with 503 until resumed
    When I POST "/v1/pools/ops/drain" with
      """
      {"deadline_ms": 60000}
      """
    Then the status is 202
    And the JSON at "draining" is "true"
    When I GET "/v1/pools/ops/health"
    Then the JSON at "draining" is "true"
    When I submit a task to pool "ops" with max_tokens 2
    Then the status is 503
    And the response is the error envelope with code "POOL_UNAVAILABLE"
    When I POST "/v1/pools/ops/resume"
    Then the status is 202
    When I submit a task to pool "ops" with max_tokens 2
    Then the status is 202

  Scenario: FR-CP-002 a drain without a deadline is a 400
    When I POST "/v1/pools/ops/drain" with
      """
      {}
      """
    Then the status is 400
    And the response is the error envelope with code "INVALID_PARAMS"

  Scenario: FR-CP-002 an unknown pool is 404
    When I GET "/v1/pools/no-such-pool/health"
    Then the status is 404

  Scenario: FR-CP-002 HP-5.2 a reload switches the pool to another model, and back
    When I POST "/v1/pools/ops/reload" with
      """
      {"new_model_ref": "sim:ops-next?tps=400"}
      """
    Then the status is 202
    And the JSON at "model_ref" is "sim:ops-next?tps=400"
    And the JSON at "replicas" is a non-empty array
    When I GET "/v1/pools/ops/health"
    Then the JSON at "model" is "sim:ops-next?tps=400"
    When I POST "/v1/tasks" with
      """
      {"prompt": "Once upon a time", "model_ref": "sim:ops-next?tps=400", "max_tokens": 2}
      """
    Then the status is 202
    And the JSON at "pool_id" is "ops"
    When I POST "/v1/pools/ops/reload" with
      """
      {"new_model_ref": "sim:ops?tps=400"}
      """
    Then the status is 202

  Scenario: FR-CP-002 a reload to a retired catalog model is refused with 403
    Given I POST "/v1/catalog/models" with
      """
      {"id": "bdd-retired-for-reload", "source_url": "sim:retired"}
      """
    And I POST "/v1/catalog/models/bdd-retired-for-reload/state" with
      """
      {"state": "Retired"}
      """
    When I POST "/v1/pools/ops/reload" with
      """
      {"new_model_ref": "bdd-retired-for-reload"}
      """
    Then the status is 403
    And the response is the error envelope with code "MODEL_DEPRECATED"
