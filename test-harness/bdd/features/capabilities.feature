Feature: Capability discovery and versions
  The CLI learns engines, limits, capacity and versions before it sends work (FR-DV-001, FR-DV-002,
  FR-CP-003, FR-MA-001; home profile §6 and §10).

  Scenario: FR-DV-001 HP-6.1 capabilities list each pool's engine, context, rate limits and features
    When I GET "/v1/capabilities"
    Then the status is 200
    And the JSON at "api_version" is a non-empty string
    And some item of "engines" has "pool_id" equal to "sim"
    And the JSON at "engines[0].ctx_max" is a number
    And the JSON at "engines[0].rate_limits" is a non-empty object
    And the JSON at "engines[0].features" is a non-empty object

  Scenario: FR-DV-002 HP-6.2 the API version served is the OpenAPI document's info.version
    When I GET "/v1/capabilities"
    Then the JSON at "api_version" is the info.version of "contracts/openapi/control.yaml"

  Scenario: FR-DV-001 a synthetic engine says so
    When I GET "/v1/capabilities"
    Then some item of "engines" has "features.synthetic" equal to "true"

  Scenario: FR-DE-001 HP-6.3 sampler profiles and determinism guarantees are published
    When I GET "/v1/capabilities"
    Then the JSON at "sampler_profiles" is a non-empty array
    And the JSON has "determinism"

  Scenario: FR-CP-003 replica sets show engine and capacity
    When I GET "/v1/replicasets"
    Then the status is 200
    And the body contains "sim"

  Scenario: FR-CP-003 HP-10.2 each replica set names its engine, capacity, load and SLO snapshot
    When I GET "/v1/replicasets"
    Then the item of "" whose "id" is "sim-r0" has "engine" equal to "llamacpp"
    And the item of "" whose "id" is "sim-r0" has "slots_total" equal to "2"
    And the JSON at "[0].load" is a number
    And the JSON at "[0].slo" is a non-empty object
