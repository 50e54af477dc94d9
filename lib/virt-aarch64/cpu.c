/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * cpu.c - the aarch64 part of the bare-metal port for QEMU's virt machine,
 * at EL1 with the MMU off: the generic timer (its EL1 virtual timer), the
 * GICv2 interrupt controller, the PL011 console, semihosting for the exit
 * status, the FP rounding mode, and the C side of the exception vectors
 * (trap.S).  Freestanding.
 */
#include <stdint.h>

#include "../core.h"
#include "../virt/virt.h"
#include "irq.h"

/* QEMU hw/arm/virt.c memory map. */
#define GICD 0x08000000ul  /* GICv2 distributor */
#define GICC 0x08010000ul  /* GICv2 CPU interface */
#define UART0 0x09000000ul /* PL011 */
#define GICD_CTLR 0x000
#define GICD_ISENABLER0 0x100
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010
#define GIC_SPURIOUS 1023u
#define TIMER_INTID 27u /* PPI 11: the EL1 virtual timer */
#define UART_DR 0x000
#define UART_FR 0x018
#define UART_FR_TXFF 0x20 /* transmit FIFO full */
#define CNTV_CTL_ENABLE 1ul

/* Semihosting (ARM IHI 0046 / "Semihosting for AArch32 and AArch64"). */
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

#define MMIO32(a) (*(volatile uint32_t *)(a))

/* Any context. */
uint64_t
pmt_virt_counter(void)
{
	uint64_t c;

	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(c));
	return c;
}

uint64_t
pmt_virt_counter_hz(void)
{
	uint64_t hz;

	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(hz));
	return hz;
}

/* Interrupts masked.  The timer's interrupt is a level: it is asserted
 * while the counter is at or past the compare value and the timer is
 * enabled, and drops when either changes. */
void
pmt_virt_timer_set(uint64_t when)
{
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\t"
	                     "msr cntv_ctl_el0, %1\n\t"
	                     "isb"
	                     :
	                     : "r"(when), "r"(CNTV_CTL_ENABLE)
	                     : "memory");
}

void
pmt_virt_timer_off(void)
{
	__asm__ __volatile__("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

/* Interrupts masked: wfi ends when an interrupt is pending, masked or
 * not. */
void
pmt_virt_wait(void)
{
	__asm__ __volatile__("dsb sy\n\twfi" ::: "memory");
}

/* Interrupts masked. */
void
pmt_virt_putc(char c)
{
	while ((MMIO32(UART0 + UART_FR) & UART_FR_TXFF) != 0)
		;
	MMIO32(UART0 + UART_DR) = (uint8_t)c;
}

/* Any context: semihosting's SYS_EXIT, whose subcode becomes QEMU's exit
 * status (-semihosting-config enable=on). */
void
pmt_virt_exit(int status)
{
	static volatile uint64_t block[2];
	register uint64_t x0 __asm__("x0") = SYS_EXIT;
	register volatile uint64_t *x1 __asm__("x1") = block;

	pmt_virt_irq_save();
	block[0] = ADP_STOPPED_APPLICATION_EXIT;
	block[1] = (uint64_t)(status & 0xff);
	__asm__ __volatile__("hlt #0xf000" : : "r"(x0), "r"(x1) : "memory");
	for (;;)
		__asm__ __volatile__("wfi");
}

/* Thread context: FPCR.RMode, bits 23:22 (RN, RP, RM, RZ). */
static const unsigned rmode_of[4] = {
    [PMT_VIRT_ROUND_NEAREST] = 0,
    [PMT_VIRT_ROUND_UP] = 1,
    [PMT_VIRT_ROUND_DOWN] = 2,
    [PMT_VIRT_ROUND_ZERO] = 3,
};

void
pmt_virt_round_set(int mode)
{
	uint64_t fpcr;

	__asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
	fpcr = (fpcr & ~(3ul << 22)) | (uint64_t)rmode_of[mode & 3] << 22;
	__asm__ __volatile__("msr fpcr, %0" : : "r"(fpcr));
}

int
pmt_virt_round_get(void)
{
	uint64_t fpcr;
	int mode;

	__asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
	for (mode = 0; mode < 4; mode++)
		if (rmode_of[mode] == ((fpcr >> 22) & 3))
			break;
	return mode;
}

/* Thread context, once, interrupts masked: the GIC forwards the timer's
 * interrupt, of any priority, as an IRQ. */
void
pmt_virt_cpu_init(void)
{
	MMIO32(GICD + GICD_CTLR) = 1;
	MMIO32(GICD + GICD_ISENABLER0) = 1u << TIMER_INTID;
	MMIO32(GICC + GICC_PMR) = 0xff;
	MMIO32(GICC + GICC_CTLR) = 1;
}

/*
 * trap.S: an IRQ, with the interrupted thread's caller-saved state in the
 * trap frame at frame, on its own stack, interrupts masked.  The GIC is
 * told the interrupt is done (EOI) before the tick may switch threads: a
 * thread switched to does not come back here for a while, and until the
 * EOI the GIC sends no interrupt of that priority.
 */
PMT_HIDDEN void pmt_virt_irq(const void *frame);

void
pmt_virt_irq(const void *frame)
{
	uint32_t iar = MMIO32(GICC + GICC_IAR), id = iar & 0x3ff;

	if (id == GIC_SPURIOUS)
		return;
	MMIO32(GICC + GICC_EOIR) = iar;
	if (id == TIMER_INTID)
		pmt_virt_tick(frame);
}

/* trap.S: any other exception, a bug of the kernel.  Reported with its
 * syndrome and address. */
PMT_HIDDEN _Noreturn void pmt_virt_fault(void);

void
pmt_virt_fault(void)
{
	uint64_t esr, elr, far;

	__asm__ __volatile__("mrs %0, esr_el1" : "=r"(esr));
	__asm__ __volatile__("mrs %0, elr_el1" : "=r"(elr));
	__asm__ __volatile__("mrs %0, far_el1" : "=r"(far));
	pmt_virt_puts("exception: esr ");
	pmt_virt_putu(esr);
	pmt_virt_puts(" elr ");
	pmt_virt_putu(elr);
	pmt_virt_puts(" far ");
	pmt_virt_putu(far);
	pmt_virt_puts("\n");
	pmt_port_panic("unexpected exception");
}

/* start.S, on the boot stack: the kernel, then its exit status. */
PMT_HIDDEN _Noreturn void pmt_virt_start(void);

void
pmt_virt_start(void)
{
	pmt_virt_exit(pmt_virt_main());
}
