Feature: Scheduling order and predictions
  A bounded queue with two priorities, interactive before batch and FIFO within a priority (home profile §2;
  FR-MA-003, FR-PF-001, FR-PF-002). Pool "order" runs one task at a time behind a queue of eight; every
  task's started frame carries its dispatch_seq, the order the pool's dispatcher took it in.

  Scenario: HP-2.2 tasks of one priority start in the order they were queued
    Given pool "order" is running one long task
    And I submit a "batch" task to pool "order" with max_tokens 2 as "first"
    And I submit a "batch" task to pool "order" with max_tokens 2 as "second"
    And I submit a "batch" task to pool "order" with max_tokens 2 as "third"
    When I cancel the task "running"
    Then the tasks "first, second, third" started in that order

  Scenario: HP-2.1 FR-MA-003 interactive tasks start before batch tasks that queued earlier
    Given pool "order" is running one long task
    And I submit a "batch" task to pool "order" with max_tokens 2 as "batch1"
    And I submit a "batch" task to pool "order" with max_tokens 2 as "batch2"
    And I submit an "interactive" task to pool "order" with max_tokens 2 as "urgent1"
    And I submit an "interactive" task to pool "order" with max_tokens 2 as "urgent2"
    When I cancel the task "running"
    Then the tasks "urgent1, urgent2, batch1, batch2" started in that order

  Scenario: FR-PF-001 FR-PF-002 HP-10.3 each queued task is told a later place and start than the one ahead of it
    Given pool "order" is running one long task
    When I submit a "batch" task to pool "order" with max_tokens 40 as "ahead"
    Then the JSON at "queue_position" is "0"
    And I remember the JSON at "predicted_start_ms" as "ahead_start"
    When I submit a "batch" task to pool "order" with max_tokens 40 as "behind"
    Then the JSON at "queue_position" is "1"
    And the JSON at "predicted_start_ms" is a number greater than "{ahead_start}"

  Scenario: FR-MA-001 HP-10.2 the capacity a pool publishes is what it runs at once, then it queues, then 429
    When I GET "/v1/replicasets"
    Then the item of "" whose "pool_id" is "tight" has "slots_total" equal to "1"
    Given pool "tight" is running one long task
    When I submit a task to pool "tight" with max_tokens 4
    Then the status is 202
    And the JSON at "queue_position" is "0"
    When I submit a task to pool "tight" with max_tokens 4
    Then the status is 429
