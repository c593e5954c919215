Feature: What the operator and client documentation must say
  Requirements that ask for documentation (home profile §1 and §9; FR-ER-002; FR-DE-001 "document
  guarantees"): the documents exist in the repository and name what a client needs, the same names the
  server's answers use.

  Scenario: HP-1.6 exposing the API to a remote dev box is documented without weakening the defaults
    Then the document "docs/remote-access.md" mentions each of
      | text             |
      | ssh -N -L        |
      | 127.0.0.1        |
      | LLORCH_API_TOKEN |
      | --urls           |

  Scenario: HP-9.3 FR-ER-002 retry guidance is documented with the headers a 429 carries
    Then the document "docs/retry-guidance.md" mentions each of
      | text           |
      | Retry-After    |
      | X-Backoff-Ms   |
      | retry_after_ms |
      | policy_label   |

  Scenario: FR-DE-001 the determinism guarantees are documented
    Then the document "docs/determinism.md" mentions each of
      | text                    |
      | seed                    |
      | strict                  |
      | sampler_profile_version |
