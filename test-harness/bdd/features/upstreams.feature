Feature: Upstream replicas
  A pool can schedule onto an engine orchestratord does not start (docs/upstreams.md): pool "remote" is served
  only by a llorch-engine the runner started itself, known to orchestratord by its URL (FR-PF-001 scaling
  across replicas; FR-CP-003 replica sets).

  Scenario: FR-CP-003 the upstream is a replica of its pool, with the slots it reports
    When I GET "/v1/replicasets"
    Then the status is 200
    And the item of "" whose "id" is "remote-u0" has "pool_id" equal to "remote"
    And the item of "" whose "id" is "remote-u0" has "slots_total" equal to "2"

  Scenario: FR-PF-001 a task for the pool runs on the upstream and streams to its end
    When I submit a task to pool "remote" with max_tokens 5
    Then the status is 202
    When I stream the task
    Then the "started" frame has "replica_id" equal to "remote-u0"
    And there are 5 "token" frames
    And the last frame is "end"
