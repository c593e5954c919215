Feature: MCP tools for agents
  The tools are served over the Model Context Protocol at /v1/mcp (docs/tools-and-policy.md): each call makes
  exactly the call of its HTTP twin, through the same policy, redaction and audit (FR-TL-001, FR-TL-002,
  FR-SI-002; home profile §1 tool policy hooks). The runner's own loopback server is on the allow list.

  Scenario: FR-TL-001 an agent initializes and finds the fetch and search tools
    When I send the MCP request "initialize"
    Then the status is 200
    And the JSON at "result.serverInfo.name" is a non-empty string
    When I send the MCP request "tools/list"
    Then the status is 200
    And some item of "result.tools" has "name" equal to "http_fetch"
    And some item of "result.tools" has "name" equal to "web_search"

  Scenario: FR-TL-002 HP-1.4 a fetch through MCP reaches an allowed host, and the key in its answer is masked
    Given I remember the tool target's URL of "/page" as "page"
    When I call the MCP tool "http_fetch" with
      """
      {"url": "{page}"}
      """
    Then the status is 200
    And the MCP tool result is not an error whose text contains "hello from the tool target"
    And the MCP tool result is not an error whose text contains "[REDACTED]"
    And the MCP tool result's text does not contain "sk-ant-bdd0123456789abcdefghijklmnop"

  Scenario: FR-SI-002 HP-1.4 a fetch of a denied host is an error result naming the policy's rule
    When I call the MCP tool "http_fetch" with
      """
      {"url": "http://denied.example/"}
      """
    Then the status is 200
    And the MCP tool result is an error whose text contains "TOOL_POLICY_DENIED"
    And the MCP tool result is an error whose text contains "tool-deny-list"

  Scenario: FR-TL-001 a search through MCP lists the backend's results
    When I call the MCP tool "web_search" with
      """
      {"query": "bdd agents", "limit": 2}
      """
    Then the status is 200
    And the MCP tool result is not an error whose text contains "about bdd agents"
    And the MCP tool result is not an error whose text contains "https://example.org/a"

  Scenario: FR-SI-001 the MCP endpoint needs the API token
    Given I send no token
    When I send the MCP request "tools/list"
    Then the status is 401
