Feature: Tools and policy
  Outbound HTTP for tools goes through a policy that refuses what it must (FR-TL-001, FR-TL-002, FR-SI-002;
  home profile §1 tool policy hooks).

  Scenario: FR-TL-002 a fetch of a loopback address is refused by the default policy
    When I POST "/v1/tools/http/fetch" with
      """
      {"method": "GET", "url": "http://127.0.0.1:9/secret"}
      """
    Then the status is 403
    And the response is the error envelope with code "TOOL_POLICY_DENIED"
    And the JSON at "policy_label" is a non-empty string

  Scenario: FR-TL-001 a refused fetch is written to the audit log
    When I POST "/v1/tools/http/fetch" with
      """
      {"method": "GET", "url": "http://127.0.0.1:9/audited"}
      """
    And I GET "/v1/tools/audit"
    Then the status is 200
    And the body contains "127.0.0.1:9/audited"
