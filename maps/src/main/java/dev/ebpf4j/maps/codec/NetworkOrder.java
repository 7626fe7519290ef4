package dev.ebpf4j.maps.codec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stores a 16- or 32-bit record component in network byte order ({@code __be16}/{@code __be32}), as ports and
 * addresses are in packet headers: {@code @NetworkOrder @Unsigned(bits = 16) int port}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface NetworkOrder {}
