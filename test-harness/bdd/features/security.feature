Feature: Security defaults
  Both planes need the shared API token (FR-SI-001; home profile §1) and every answer carries a
  correlation id (FR-OB-001).

  Scenario: FR-SI-001 HP-1.3 a data-plane request without a token is refused with 401
    Given I send no token
    When I POST "/v1/tasks" with
      """
      {"prompt": "Once upon a time", "model_ref": "sim:bdd?tps=400"}
      """
    Then the status is 401

  Scenario: FR-SI-001 HP-1.3 a control-plane request with a wrong token is refused with 403
    Given I send the token "not-the-token"
    When I GET "/v1/capabilities"
    Then the status is 403

  Scenario: FR-SI-001 the right token is accepted on the control plane
    When I GET "/v1/capabilities"
    Then the status is 200

  Scenario: FR-OB-001 HP-1.2 a correlation id sent is echoed back
    Given requests carry the header "X-Correlation-Id" with "bdd-corr-42"
    When I GET "/v1/capabilities"
    Then the header "X-Correlation-Id" is "bdd-corr-42"

  Scenario: FR-OB-001 a request without a correlation id gets one made for it
    When I GET "/v1/capabilities"
    Then there is a "X-Correlation-Id" header

  Scenario: HP-1.5 HP-4.3 one shared token is the whole identity: no tenant, role or quota stands between it and any session or plane
    Given I submit a task to pool "sim" with max_tokens 2 in session "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"
    And I stream the task
    And requests carry the header "X-Correlation-Id" with "another-client"
    When I GET "/v1/sessions/9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"
    Then the status is 200
    When I GET "/v1/pools/sim/health"
    Then the status is 200
    When I DELETE "/v1/sessions/9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"
    Then the status is 204
