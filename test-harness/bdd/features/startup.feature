Feature: Start-up refusals that keep the defaults safe
  orchestratord binds 127.0.0.1 unless told otherwise, and will not widen that without a token (home profile
  §1; FR-SI-001; docs/configuration.md). Each scenario starts a second orchestratord with a configuration it
  must refuse: it exits with code 2 before it listens, naming why.

  Scenario: HP-1.1 FR-SI-001 a non-loopback bind without an API token refuses to start
    When orchestratord is started with "--urls http://0.0.0.0:0" and no API token
    Then it exits with code 2 before listening
    And its output says "refusing to listen on http://0.0.0.0:0 without an API token"

  Scenario: HP-1.1 turning the token check off is refused unless every bind is loopback
    When orchestratord is started with "--urls http://127.0.0.1:0;http://0.0.0.0:0 --Orchestrator:Auth:Disabled=true" and no API token
    Then it exits with code 2 before listening
    And its output says "Orchestrator:Auth:Disabled is allowed on loopback binds only"
