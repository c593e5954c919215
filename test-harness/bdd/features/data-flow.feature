Feature: Data-flow rules on prompts and artifacts
  What flows into orchestratord passes the data-flow policy before it is queued or stored (FR-SI-002,
  FR-TL-002; docs/tools-and-policy.md): the runner's rules redact secrets and refuse prompts naming the
  codename "Project Nightingale" (rule bdd-no-codenames).

  Scenario: FR-TL-002 FR-SI-002 a key pasted into a prompt is masked before the engine or the transcript sees it
    When I submit a task to pool "sim" with max_tokens 2, the prompt "deploy with sk-ant-bdd0123456789abcdefghijklmnop now" and a transcript
    Then the status is 202
    And the header "X-Policy-Redacted" is "secrets"
    When I stream the task
    And I remember the "end" frame's "transcript_id" as "transcript"
    And I GET "/v1/artifacts/{transcript}"
    Then the status is 200
    And the JSON at "kind" is "transcript"
    And the JSON at "content.prompt" contains "[REDACTED]"
    And the body does not contain "sk-ant-bdd0123456789abcdefghijklmnop"

  Scenario: FR-SI-002 a prompt a refuse rule matches is a 403 POLICY_DENIED naming the rule
    When I submit a task to pool "sim" with max_tokens 2 and the prompt "notes on Project Nightingale"
    Then the status is 403
    And the response is the error envelope with code "POLICY_DENIED"
    And the JSON at "policy_label" is "bdd-no-codenames"
    And the JSON at "retriable" is "false"

  Scenario: FR-SI-002 the OpenAI door applies the same rules
    When I POST "/v1/chat/completions" with
      """
      {"model": "sim", "max_tokens": 2, "messages": [{"role": "user", "content": "tell me about project nightingale"}]}
      """
    Then the status is 403
    And the JSON at "error.code" is "policy_denied"

  Scenario: FR-TL-002 a secret in an artifact is masked before it is stored
    When I POST "/v1/artifacts" with
      """
      {"kind": "logs", "content": {"line": "token ghp_0123456789abcdefghijklmnopqrstuvwxyz leaked"}, "tags": ["bdd-flow"]}
      """
    Then the status is 201
    And the header "X-Policy-Redacted" is "secrets"
    And I remember the JSON at "id" as "logs"
    When I GET "/v1/artifacts/{logs}"
    Then the JSON at "content.line" contains "[REDACTED]"
    And the body does not contain "ghp_0123456789abcdefghijklmnopqrstuvwxyz"
