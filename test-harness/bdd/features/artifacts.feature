Feature: Artifacts
  Content-addressed artifacts for the CLI's plans and summaries (FR-AR-001; home profile §7).

  Scenario: FR-AR-001 HP-7.1 an artifact is stored under its content address and fetched back
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

  Scenario: HP-7.3 an artifact is kept in orchestratord's own data folder
    When I POST "/v1/artifacts" with
      """
      {"kind": "summary", "content": {"text": "kept at home"}, "tags": ["bdd-local"]}
      """
    Then the status is 201
    And I remember the JSON at "id" as "summary"
    And I remember the hex of "summary" as "summary_hex"
    And orchestratord's data folder holds the file "artifacts/{summary_hex}.json"

  Scenario: HP-7.2 an unsigned artifact is accepted and its trust gap is logged
    When I POST "/v1/artifacts" with
      """
      {"kind": "diff", "content": {"patch": "--- a\n+++ b\n"}, "tags": ["bdd-unsigned"]}
      """
    Then the status is 201
    And I remember the JSON at "id" as "diff"
    And orchestratord's log has a warning containing "Artifact {diff} (diff) accepted unsigned"

  Scenario: FR-AR-001 FR-DE-001 HP-2.6 a strict task's transcript replays to the same tokens
    When I submit a strict task to pool "stories" with max_tokens 16, seed 4242 and a transcript
    And I stream the task
    Then the last frame is "end"
    And I remember the streamed text as "original"
    And I remember the "end" frame's "transcript_id" as "transcript"
    When I GET "/v1/artifacts/{transcript}"
    Then the JSON at "kind" is "transcript"
    And the JSON at "content.seed" is "4242"
    When I POST "/v1/artifacts/{transcript}/replay"
    Then the status is 202
    And I remember the JSON at "task_id" as "task"
    When I stream the task
    Then the streamed text is the one remembered as "original"
