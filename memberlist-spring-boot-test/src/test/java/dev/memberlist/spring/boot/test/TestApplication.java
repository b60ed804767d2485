package dev.memberlist.spring.boot.test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** A user's application as far as memberlist is concerned: the starter's auto-configuration and its configuration files. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApplication {}
