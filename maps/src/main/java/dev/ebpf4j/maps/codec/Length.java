package dev.ebpf4j.maps.codec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The fixed length of a {@code byte[]} record component ({@code __u8 mac[6]} is {@code @Length(6) byte[] mac}). */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Length {
    /** Number of elements. */
    int value();
}
