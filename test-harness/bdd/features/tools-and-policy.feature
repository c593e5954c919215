Feature: Tools and policy
  Outbound HTTP for tools goes through a policy that refuses what it must and masks secrets (FR-TL-001,
  FR-TL-002, FR-SI-002; home profile §1 tool policy hooks). The runner's orchestratord allows its own loopback
  tool target (an exact allow entry) and denies denied.example.

  Scenario: FR-TL-002 HP-1.4 a fetch of a loopback port the allow list does not name is refused
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

  Scenario: FR-TL-002 HP-1.4 a host on the deny list is refused by name, before any lookup
    When I POST "/v1/tools/http/fetch" with
      """
      {"method": "GET", "url": "https://denied.example/"}
      """
    Then the status is 403
    And the response is the error envelope with code "TOOL_POLICY_DENIED"
    And the JSON at "policy_label" is "tool-deny-list"

  Scenario: FR-TL-002 a fetch of an allowed host answers its page with the leaked key masked
    Given I remember the tool target's URL of "/page" as "page"
    When I POST "/v1/tools/http/fetch" with
      """
      {"method": "GET", "url": "{page}"}
      """
    Then the status is 200
    And the JSON at "status" is "200"
    And the JSON at "body" contains "hello from the tool target"
    And the JSON at "body" contains "[REDACTED]"
    And the body does not contain "sk-ant-bdd0123456789abcdefghijklmnop"
    And the JSON at "redactions_in" is a whole number of at least 1

  Scenario: FR-TL-001 a search answers the backend's results, and is audited
    When I POST "/v1/tools/search" with
      """
      {"query": "bdd search"}
      """
    Then the status is 200
    And the JSON at "results[0].title" is "about bdd search"
    When I GET "/v1/tools/audit?tool=search&door=http"
    Then the status is 200
    And the body contains "/search"
    And the body does not contain "bdd search"
