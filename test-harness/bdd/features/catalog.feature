Feature: Model catalog
  The catalog with its trust policy and the two model states (FR-CP-001; home profile §5).

  Scenario: FR-CP-001 a model is registered, verified and retired
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

  Scenario: FR-CP-001 a state other than Active or Retired is a 400
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
