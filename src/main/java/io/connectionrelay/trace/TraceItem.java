package io.connectionrelay.trace;

/** What the trace writer queues and writes: one event, or the route events of a chunk. */
public sealed interface TraceItem permits TraceEvent, RoutedChunk {

    /** How many events this is: the queue's bound and the counters go by events. */
    int events();
}
