package dev.ebpf4j.maps.sim;

/** Which kernel map type a simulation stands for. */
enum SimKind { HASH, LRU_HASH, ARRAY, LPM_TRIE, FD_ARRAY }
