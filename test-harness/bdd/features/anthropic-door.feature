Feature: The Anthropic-compatible door
  Anthropic's Messages API in front of the same scheduler (docs/openai-anthropic.md): a message is one task
  (FR-DP-001), streamed as Anthropic's named events (FR-DP-002), refused in Anthropic's error shape
  (FR-ER-001, FR-SI-001). Anthropic's SDKs send the token as x-api-key.

  Background:
    Given I send the token in the header "x-api-key"

  Scenario: FR-DP-001 a message runs as a task and answers in Anthropic's shape
    When I POST "/v1/messages" with
      """
      {"model": "sim", "max_tokens": 4, "messages": [{"role": "user", "content": "Say hello"}]}
      """
    Then the status is 200
    And the JSON at "type" is "message"
    And the JSON at "role" is "assistant"
    And the JSON at "content[0].type" is "text"
    And the JSON at "content[0].text" is a non-empty string
    And the JSON at "stop_reason" is "max_tokens"
    And the JSON at "usage.output_tokens" is "4"
    And there is a "X-Task-Id" header

  Scenario: FR-DP-002 a streamed message is Anthropic's events in order
    When I POST "/v1/messages" reading its stream, with
      """
      {"model": "sim", "max_tokens": 6, "stream": true, "messages": [{"role": "user", "content": "Say hello"}]}
      """
    Then the status is 200
    And the stream's events are, in order, "message_start, content_block_start, content_block_delta, content_block_stop, message_delta, message_stop"
    And the frames' "delta.text" pieces join to a non-empty text
    And some frame has "delta.stop_reason" equal to "max_tokens"

  Scenario: FR-DP-001 a forced tool call on the real model comes back as a tool_use block
    When I POST "/v1/messages" with
      """
      {"model": "stories", "max_tokens": 256, "temperature": 0, "tool_choice": {"type": "tool", "name": "get_weather"},
       "messages": [{"role": "user", "content": "What is the weather in Oslo?"}],
       "tools": [{"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string", "enum": ["Oslo", "Paris"]}}, "required": ["city"]}}]}
      """
    Then the status is 200
    And the JSON at "stop_reason" is "tool_use"
    And some item of "content" has "type" equal to "tool_use"
    And some item of "content" has "name" equal to "get_weather"

  Scenario: FR-DP-001 count_tokens renders the prompt the message would run
    When I POST "/v1/messages/count_tokens" with
      """
      {"model": "stories", "messages": [{"role": "user", "content": "Once upon a time"}]}
      """
    Then the status is 200
    And the JSON at "input_tokens" is a whole number of at least 1

  Scenario: FR-ER-001 a message without max_tokens is a 400 in Anthropic's error shape
    When I POST "/v1/messages" with
      """
      {"model": "sim", "messages": [{"role": "user", "content": "Hi"}]}
      """
    Then the status is 400
    And the JSON at "type" is "error"
    And the JSON at "error.type" is "invalid_request_error"
    And the JSON at "error.message" contains "max_tokens"

  Scenario: FR-SI-001 a message without a key is refused in Anthropic's error shape
    Given requests carry no "x-api-key" header
    When I POST "/v1/messages" with
      """
      {"model": "sim", "max_tokens": 4, "messages": [{"role": "user", "content": "Hi"}]}
      """
    Then the status is 401
    And the JSON at "error.type" is "authentication_error"
