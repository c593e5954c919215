Feature: Contracts and the test harness
  The OpenAPI documents describe what the server answers (FR-CT-001; home profile §12), and the bdd-runner's
  interface is stable (FR-TH-001): a feature path and a URL are all it needs.

  Scenario: FR-CT-001 HP-12.1 the endpoints the CLI relies on are documented in contracts/openapi
    Then each of these endpoints is documented in its OpenAPI document
      | method | path                             | document     |
      | POST   | /v1/tasks                        | data.yaml    |
      | GET    | /v1/tasks/{id}/stream            | data.yaml    |
      | POST   | /v1/tasks/{id}/cancel            | data.yaml    |
      | GET    | /v1/sessions/{id}                | data.yaml    |
      | DELETE | /v1/sessions/{id}                | data.yaml    |
      | POST   | /v1/artifacts                    | data.yaml    |
      | GET    | /v1/artifacts/{id}               | data.yaml    |
      | POST   | /v1/tools/http/fetch             | data.yaml    |
      | POST   | /v1/catalog/models               | control.yaml |
      | POST   | /v1/catalog/models/{id}/verify   | control.yaml |
      | POST   | /v1/catalog/models/{id}/state    | control.yaml |
      | POST   | /v1/pools/{id}/drain             | control.yaml |
      | POST   | /v1/pools/{id}/reload            | control.yaml |
      | GET    | /v1/pools/{id}/health            | control.yaml |
      | GET    | /v1/capabilities                 | control.yaml |
      | GET    | /v1/replicasets                  | control.yaml |
      | GET    | /metrics                         | control.yaml |
      | POST   | /v1/chat/completions             | openai.yaml  |
      | POST   | /v1/messages                     | anthropic.yaml |

  Scenario: FR-TH-001 a bdd-runner pointed at a running orchestratord runs the feature it is given
    When a bdd-runner given this orchestratord's URL and LLORCH_BDD_FEATURE_PATH runs the feature
      """
      Feature: nested
        Scenario: capabilities answer
          When I GET "/v1/capabilities"
          Then the status is 200
      """
    Then that runner exits with code 0 and prints "1 passed, 0 failed"

  Scenario: FR-TH-002 HP-12.1 an admission, its stream and a capability answer are valid under their OpenAPI schemas
    When I submit a task to pool "sim" with max_tokens 4
    Then the status is 202
    And the JSON is valid under the schema "AdmissionResponse" of "contracts/openapi/data.yaml"
    When I stream the task
    Then every frame is valid under the schema "SseEvent" of "contracts/openapi/data.yaml"
    When I GET "/v1/capabilities"
    Then the JSON is valid under the schema "CapabilitiesResponse" of "contracts/openapi/control.yaml"

  Scenario: FR-TH-002 a 429 and an OpenAI door's answer are valid under their OpenAPI schemas
    Given pool "tight" is running one long task and queues another
    When I submit a task to pool "tight" with max_tokens 4
    Then the status is 429
    And the JSON is valid under the schema "ErrorEnvelope" of "contracts/openapi/data.yaml"
    When I POST "/v1/chat/completions" with
      """
      {"model": "sim", "messages": [{"role": "user", "content": "Say hello"}], "max_tokens": 4}
      """
    Then the status is 200
    And the JSON is valid under the schema "ChatCompletion" of "contracts/openapi/openai.yaml"

  Scenario: FR-CT-003 HP-12.4 the CLI's pact expects only what the OpenAPI documents promise, with the reinstated headers
    Given the pact "contracts/pacts/llorch-cli-orchestratord.json" between "llorch-cli" and "orchestratord"
    Then every interaction is an operation of these documents with its status documented
      | document     |
      | data.yaml    |
      | control.yaml |
    And the pact expects the header "X-Correlation-Id" on every request
    And the pact expects the header "X-Correlation-Id" on every response
    And the pact's 429 answers carry the headers "Retry-After" and "X-Backoff-Ms"
