Feature: Observability
  Prometheus metrics with the home profile's series (home profile §8; FR-OB-002) and correlation ids on
  every answer, errors included (FR-OB-001).

  Scenario: FR-OB-002 HP-8.1 /metrics exposes the queue and token series
    Given I submit a task to pool "sim" with max_tokens 2
    And I stream the task
    When I GET "/metrics"
    Then the status is 200
    And the body has a line starting with "queue_depth{"
    And the body has a line starting with "tasks_enqueued_total{"
    And the body has a line starting with "tokens_out_total{"
    And the body has a line starting with "tokens_in_total{"

  Scenario: FR-OB-001 HP-1.2 HP-12.5 an error answer carries the correlation id in its header and envelope
    Given requests carry the header "X-Correlation-Id" with "bdd-err-7"
    When I GET "/v1/pools/no-such-pool/health"
    Then the status is 404
    And the header "X-Correlation-Id" is "bdd-err-7"
    And the JSON at "correlation_id" is "bdd-err-7"

  Scenario: HP-8.1 HP-12.3 every series the home profile lists is exposed with its labels
    Given pool "tight" is running one long task and queues another
    And I submit a task to pool "tight" with max_tokens 4
    And I submit a task to pool "gpu-big" with max_tokens 2
    And I stream the task
    When I GET "/metrics"
    Then the metric "queue_depth" has a series with the labels "engine, engine_version, pool_id, priority"
    And the metric "tasks_enqueued_total" has a series with the labels "engine, engine_version, pool_id, replica_id, priority"
    And the metric "tasks_rejected_total" has a series with the labels "engine, reason"
    And the metric "tokens_in_total" has a series with the labels "engine, engine_version, pool_id, replica_id"
    And the metric "tokens_out_total" has a series with the labels "engine, engine_version, pool_id, replica_id"
    And the metric "gpu_utilization" has a series with the labels "engine, engine_version, pool_id, replica_id, device"
    And the metric "vram_used_bytes" has a series with the labels "engine, engine_version, pool_id, replica_id, device"
