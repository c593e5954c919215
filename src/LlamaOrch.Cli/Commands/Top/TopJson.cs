using System.Text.Json;
using LlamaOrch.Contracts;

namespace LlamaOrch.Cli.Commands;

/// <summary><c>llorch top --json</c>: one frame as one JSON object (the replicas and devices as the API gives them).</summary>
internal static class TopJson
{
    public static byte[] Serialize(TopSnapshot snapshot)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("taken_at", snapshot.TakenAt);
            json.WriteString("api_version", snapshot.ApiVersion);
            json.WriteStartArray("pools");
            foreach (var p in snapshot.Pools)
            {
                json.WriteStartObject();
                json.WriteString("pool_id", p.PoolId);
                json.WriteString("model", p.Model);
                json.WriteString("engine", p.Engine);
                json.WriteBoolean("ready", p.Ready);
                json.WriteBoolean("draining", p.Draining);
                json.WriteNumber("replicas_ready", p.ReplicasReady);
                json.WriteNumber("replicas_total", p.ReplicasTotal);
                json.WriteNumber("busy_slots", p.BusySlots);
                json.WriteNumber("ready_slots", p.ReadySlots);
                json.WriteStartObject("queue_depth");
                json.WriteNumber("interactive", p.QueueInteractive);
                json.WriteNumber("batch", p.QueueBatch);
                json.WriteEndObject();
                json.WriteNumber("queue_capacity", p.QueueCapacity);
                if (p.TokensPerSecond is { } rate) json.WriteNumber("tokens_per_second", Math.Round(rate, 1));
                else json.WriteNull("tokens_per_second");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WritePropertyName("replicas");
            JsonSerializer.Serialize(json, snapshot.Replicas, ContractsJsonContext.Default.IReadOnlyListReplicaSetEntry);
            json.WriteStartArray("devices");
            foreach (var device in snapshot.Devices) JsonSerializer.Serialize(json, device, ContractsJsonContext.Default.DeviceInfo);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
