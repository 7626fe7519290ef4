package dev.ebpf4j.maps.codec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stores a record component as an unsigned integer of {@code bits} bits (8, 16 or 32) instead of its Java width:
 * {@code @Unsigned(bits = 16) int port} is a {@code __u16}, {@code @Unsigned(bits = 32) long count} a {@code __u32}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Unsigned {
    /** The C width in bits. */
    int bits();
}
