Feature: Model catalog
  The catalog with its trust policy and the two model states (FR-CP-001; home profile §5).

  Scenario: FR-CP-001 HP-5.1 HP-5.3 a model is registered, verified and retired
    When I POST "/v1/catalog/models" with
      """
      {"id": "bdd-sim-model", "source_url": "sim:bdd-catalog"}
      """
    Then the status is 201
    And the JSON at "id" is "bdd-sim-model"
    When I POST "/v1/catalog/models/bdd-sim-model/verify"
    Then the status is 202
    And the JSON at "id" is "bdd-sim-model"
    When I POST "/v1/catalog/models/bdd-sim-model/state" with
      """
      {"state": "Retired"}
      """
    Then the status is 202
    And the JSON at "state" is "Retired"

  Scenario: FR-CP-001 HP-5.3 a state other than Active or Retired is a 400
    When I POST "/v1/catalog/models" with
      """
      {"id": "bdd-state-model", "source_url": "sim:bdd-state"}
      """
    And I POST "/v1/catalog/models/bdd-state-model/state" with
      """
      {"state": "Deprecated"}
      """
    Then the status is 400
    And the response is the error envelope with code "INVALID_PARAMS"

  Scenario: FR-CP-001 an unknown model is 404
    When I POST "/v1/catalog/models/no-such-model/verify"
    Then the status is 404

  Scenario: HP-8.4 HP-7.2 a model without signature or SBOM verifies under a permissive policy, its trust gap logged
    When I POST "/v1/catalog/models" with
      """
      {"id": "bdd-unsigned-model", "source_url": "hf:ggml-org/models/tinyllamas/stories260K.gguf", "trust_policy": {"mode": "permissive"}}
      """
    Then the status is 201
    When I POST "/v1/catalog/models/bdd-unsigned-model/verify"
    Then the status is 202
    And orchestratord's log has a warning containing "Catalog model bdd-unsigned-model trust gap (Permissive): no signature"

  Scenario: HP-8.2 model_state reports each catalog model as Active or Retired
    When I POST "/v1/catalog/models" with
      """
      {"id": "bdd-state-metric", "source_url": "sim:bdd-state-metric"}
      """
    And I GET "/metrics"
    Then the metric "model_state" has a series labelled "model_id=bdd-state-metric, state=Active" with the value "1"
    When I POST "/v1/catalog/models/bdd-state-metric/state" with
      """
      {"state": "Retired"}
      """
    And I GET "/metrics"
    Then the metric "model_state" has a series labelled "model_id=bdd-state-metric, state=Retired" with the value "1"
    And the metric "model_state" has a series labelled "model_id=bdd-state-metric, state=Active" with the value "0"
