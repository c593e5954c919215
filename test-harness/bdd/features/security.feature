Feature: Security defaults
  Both planes need the shared API token (FR-SI-001; home profile §1) and every answer carries a
  correlation id (FR-OB-001).

  Scenario: FR-SI-001 a data-plane request without a token is refused with 401
    Given I send no token
    When I POST "/v1/tasks" with
      """
      {"prompt": "Once upon a time", "model_ref": "sim:bdd?tps=400"}
      """
    Then the status is 401

  Scenario: FR-SI-001 a control-plane request with a wrong token is refused with 403
    Given I send the token "not-the-token"
    When I GET "/v1/capabilities"
    Then the status is 403

  Scenario: FR-SI-001 the right token is accepted on the control plane
    When I GET "/v1/capabilities"
    Then the status is 200

  Scenario: FR-OB-001 a correlation id sent is echoed back
    Given requests carry the header "X-Correlation-Id" with "bdd-corr-42"
    When I GET "/v1/capabilities"
    Then the header "X-Correlation-Id" is "bdd-corr-42"

  Scenario: FR-OB-001 a request without a correlation id gets one made for it
    When I GET "/v1/capabilities"
    Then there is a "X-Correlation-Id" header
