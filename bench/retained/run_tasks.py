"""N one-request completion tasks of T tokens, 8 at a time, each stream read to its end (retained.sh's load)."""
import http.client, json, sys, threading

port, count, tokens = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
lock = threading.Lock()
left = [count]
frames = [0]

def worker():
    connection = http.client.HTTPConnection("127.0.0.1", port)
    body = json.dumps({"prompt": "Once upon a time", "max_tokens": tokens, "ctx": 4096})
    headers = {"Authorization": "Bearer bench", "Content-Type": "application/json", "Accept": "text/event-stream"}
    while True:
        with lock:
            if left[0] == 0:
                return
            left[0] -= 1
        connection.request("POST", "/v1/tasks", body, headers)
        data = connection.getresponse().read()
        with lock:
            frames[0] += data.count(b"event: ")

threads = [threading.Thread(target=worker) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"{frames[0]} frames read")
