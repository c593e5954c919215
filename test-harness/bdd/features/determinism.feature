Feature: Determinism on a real model
  Seeds make runs reproducible (FR-DE-001; home profile §2 determinism knobs). Pool "stories" runs real
  llama.cpp inference of stories260K on the CPU.

  Scenario: FR-DE-001 HP-2.6 HP-12.5 the same seed streams the same story twice
    When I submit a task to pool "stories" with max_tokens 24 and seed 1234
    And I stream the task
    Then the last frame is "end"
    And the streamed text is not empty
    And I remember the streamed text as "first"
    When I submit a task to pool "stories" with max_tokens 24 and seed 1234
    And I stream the task
    Then the streamed text is the one remembered as "first"

  Scenario: FR-DP-002 a real model's stream is started, tokens in order, end
    When I submit a task to pool "stories" with max_tokens 16
    And I stream the task
    Then the first frame is "started"
    And the last frame is "end"
    And the token frames number their tokens 0, 1, 2, … in order
