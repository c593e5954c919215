Feature: The OpenAI-compatible door
  OpenAI's clients reach the same admission, queue and streams as the task API (docs/openai-anthropic.md):
  a chat completion is one task (FR-DP-001), streamed as OpenAI's chunks (FR-DP-002), refused in OpenAI's
  error shape (FR-ER-001, FR-DP-003, FR-SI-001). The model may name a pool by its id.

  Scenario: FR-DP-001 a chat completion runs as a task and answers in OpenAI's shape
    When I POST "/v1/chat/completions" with
      """
      {"model": "sim", "messages": [{"role": "user", "content": "Say hello"}], "max_tokens": 4}
      """
    Then the status is 200
    And the JSON at "object" is "chat.completion"
    And the JSON at "choices[0].message.role" is "assistant"
    And the JSON at "choices[0].message.content" is a non-empty string
    And the JSON at "choices[0].finish_reason" is "length"
    And the JSON at "usage.completion_tokens" is "4"
    And there is a "X-Task-Id" header

  Scenario: FR-DP-002 a streamed chat completion is chunks of text, a finish reason, then [DONE]
    When I POST "/v1/chat/completions" reading its stream, with
      """
      {"model": "sim", "messages": [{"role": "user", "content": "Say hello"}], "max_tokens": 6, "stream": true}
      """
    Then the status is 200
    And some frame has "object" equal to "chat.completion.chunk"
    And some frame has "choices[0].delta.role" equal to "assistant"
    And the frames' "choices[0].delta.content" pieces join to a non-empty text
    And some frame has "choices[0].finish_reason" equal to "length"
    And the stream's last data is "[DONE]"

  Scenario: FR-DP-001 a forced tool call on the real model comes back as tool_calls
    When I POST "/v1/chat/completions" with
      """
      {"model": "stories", "max_tokens": 256, "seed": 11, "tool_choice": "required",
       "messages": [{"role": "user", "content": "What is the weather in Oslo?"}],
       "tools": [{"type": "function", "function": {"name": "get_weather",
         "parameters": {"type": "object", "properties": {"city": {"type": "string", "enum": ["Oslo", "Paris"]}}, "required": ["city"]}}}]}
      """
    Then the status is 200
    And the JSON at "choices[0].finish_reason" is "tool_calls"
    And the JSON at "choices[0].message.tool_calls[0].type" is "function"
    And the JSON at "choices[0].message.tool_calls[0].function.name" is "get_weather"
    And the JSON at "choices[0].message.tool_calls[0].function.arguments" contains "city"

  Scenario: FR-ER-001 an unsupported member is a 400 in OpenAI's error shape, naming it
    When I POST "/v1/chat/completions" with
      """
      {"model": "sim", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4, "n": 2}
      """
    Then the status is 400
    And the JSON at "error.type" is "invalid_request_error"
    And the JSON at "error.param" is "n"
    And the JSON at "error.code" is "invalid_params"

  Scenario: FR-SI-001 a wrong key is refused in OpenAI's error shape
    Given I send the token "not-the-token"
    When I POST "/v1/chat/completions" with
      """
      {"model": "sim", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4}
      """
    Then the status is 403
    And the JSON at "error.type" is "permission_error"

  Scenario: FR-DP-003 a full queue is a 429 rate_limit_error with Retry-After
    Given pool "tight" is running one long task and queues another
    When I POST "/v1/chat/completions" with
      """
      {"model": "tight", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4}
      """
    Then the status is 429
    And the header "Retry-After" is a whole number of at least 1
    And the header "X-Backoff-Ms" is a whole number of at least 1
    And the JSON at "error.type" is "rate_limit_error"
    And the JSON at "error.code" is "admission_reject"

  Scenario: FR-DV-001 the models list names the pools
    When I GET "/v1/models"
    Then the status is 200
    And some item of "data" has "id" equal to "sim"
    And some item of "data" has "id" equal to "stories"
