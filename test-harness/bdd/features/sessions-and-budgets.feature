Feature: Sessions and budgets
  Sessions for KV reuse and eviction (FR-DP-004; home profile §4) and per-session budgets with enforcement
  (FR-MA-002). The runner's orchestratord enforces budgets; a session has none until one is set.

  Scenario: FR-DP-004 HP-4.1 a session's finished turns are listed
    Given I submit a task to pool "sim" with max_tokens 3 in session "3b1f9a2c-5d6e-4f70-8a91-b2c3d4e5f607"
    And I stream the task
    When I GET "/v1/sessions/3b1f9a2c-5d6e-4f70-8a91-b2c3d4e5f607"
    Then the status is 200
    And the JSON at "turns" is "1"
    And the JSON at "tokens_out_total" is "3"
    And the JSON at "recent_turns" is a non-empty array

  Scenario: FR-DP-004 HP-4.1 a deleted session is gone
    Given I submit a task to pool "sim" with max_tokens 2 in session "4c2a0b3d-6e7f-4081-9ba2-c3d4e5f60718"
    And I stream the task
    When I DELETE "/v1/sessions/4c2a0b3d-6e7f-4081-9ba2-c3d4e5f60718"
    Then the status is 204
    When I GET "/v1/sessions/4c2a0b3d-6e7f-4081-9ba2-c3d4e5f60718"
    Then the status is 404

  Scenario: FR-MA-002 HP-4.2 a task that cannot fit its session's token budget is refused with 403
    When I PUT "/v1/sessions/5d3b1c4e-7f80-4192-8cb3-d4e5f6071829/budget" with
      """
      {"tokens": 10}
      """
    Then the status is 200
    When I submit a task to pool "sim" with max_tokens 64 in session "5d3b1c4e-7f80-4192-8cb3-d4e5f6071829"
    Then the status is 403
    And the response is the error envelope with code "BUDGET_EXCEEDED"

  Scenario: FR-MA-002 an admitted task reports what is left of its session's budget
    When I PUT "/v1/sessions/6e4c2d5f-8091-42a3-9dc4-e5f60718293a/budget" with
      """
      {"tokens": 1000}
      """
    And I submit a task to pool "sim" with max_tokens 8 in session "6e4c2d5f-8091-42a3-9dc4-e5f60718293a"
    Then the status is 202
    And there is a "X-Budget-Tokens-Remaining" header

  Scenario: FR-MA-002 HP-4.2 a run that reaches its session's time budget is stopped with an error frame
    When I PUT "/v1/sessions/0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5/budget" with
      """
      {"time_ms": 400}
      """
    Then the status is 200
    When I submit a task to pool "order" with max_tokens 200 in session "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
    Then the status is 202
    When I stream the task
    Then the first frame is "started"
    And the last frame is "error"
    And the "error" frame has "code" equal to "BUDGET_EXCEEDED"
    When I submit a task to pool "order" with max_tokens 2 in session "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
    Then the status is 403
    And the response is the error envelope with code "BUDGET_EXCEEDED"
