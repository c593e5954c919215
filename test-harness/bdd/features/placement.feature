Feature: Placement on the reference box's GPUs
  Replicas go to the least-loaded GPU by free VRAM, on the home profile's reference box: an RTX 3090 (24 GB)
  and an RTX 3060 (12 GB) (home profile §10; FR-PF-001). The runner's orchestratord sees them through a
  stand-in nvidia-smi (no GPU is touched here): pool "gpu-big" declares 18000 MiB, which only the 3090 holds;
  pool "gpu-mid" then declares 6000 MiB, and the 3060 has the most memory left.

  Scenario: HP-10.4 HP-12.6 the device list is the reference box's two cards
    When I GET "/v1/devices"
    Then the status is 200
    And some item of "devices" has "name" equal to "NVIDIA GeForce RTX 3090"
    And some item of "devices" has "name" equal to "NVIDIA GeForce RTX 3060"
    And the item of "devices" whose "index" is "0" has "total_vram_bytes" equal to "25769803776"

  Scenario: HP-10.1 HP-10.4 FR-PF-001 each replica lands on the GPU with the most free memory that fits it
    When I GET "/v1/replicasets"
    Then the item of "" whose "id" is "gpu-big-r0" has "devices[0]" equal to "0"
    And the item of "" whose "id" is "gpu-mid-r0" has "devices[0]" equal to "1"
    When I GET "/v1/devices"
    Then the item of "devices" whose "index" is "1" has "reserved_vram_bytes" equal to "6291456000"

  Scenario: HP-10.1 a task for a GPU pool runs on its placed replica
    When I submit a task to pool "gpu-big" with max_tokens 3
    Then the status is 202
    When I stream the task
    Then the "started" frame has "replica_id" equal to "gpu-big-r0"
    And the last frame is "end"
