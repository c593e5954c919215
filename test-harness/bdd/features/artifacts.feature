Feature: Artifacts
  Content-addressed artifacts for the CLI's plans and summaries (FR-AR-001; home profile §7).

  Scenario: FR-AR-001 an artifact is stored under its content address and fetched back
    When I POST "/v1/artifacts" with
      """
      {"kind": "plan", "content": {"steps": ["write the spec", "write the test"]}, "tags": ["bdd"]}
      """
    Then the status is 201
    And the JSON at "id" is a non-empty string
    And I remember the JSON at "id" as "artifact"
    When I GET "/v1/artifacts/{artifact}"
    Then the status is 200
    And the JSON at "kind" is "plan"
    And the JSON at "content.steps[1]" is "write the test"

  Scenario: FR-AR-001 the same artifact sent again is stored once
    When I POST "/v1/artifacts" with
      """
      {"kind": "summary", "content": {"text": "same twice"}}
      """
    And I remember the JSON at "id" as "first"
    And I POST "/v1/artifacts" with
      """
      {"content": {"text": "same twice"}, "kind": "summary"}
      """
    Then the status is 200
    And the JSON at "id" is "{first}"

  Scenario: FR-AR-001 an artifact of an unknown kind is a 400
    When I POST "/v1/artifacts" with
      """
      {"kind": "poem", "content": {}}
      """
    Then the status is 400
    And the response is the error envelope with code "INVALID_PARAMS"
