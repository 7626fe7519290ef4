package dev.ebpf4j.maps.codec;

import java.util.List;

/** The computed C layout of a record: component codecs and offsets, padding gaps, size and alignment. */
record RecordShape(Class<?> type, List<Codec<?>> codecs, long[] offsets, int size, int alignment,
                   List<CodecField> fields, List<long[]> gaps) {}
