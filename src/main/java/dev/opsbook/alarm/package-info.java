/**
 * CloudWatch alarms as data: read from CloudWatch ({@code DescribeAlarms}, {@code ListTagsForResource}) or from the JSON
 * {@code aws cloudwatch describe-alarms} prints, and the EventBridge event each one sends when it enters ALARM.
 */
package dev.opsbook.alarm;
