package order

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Routes registers the order HTTP API.
func Routes(r gin.IRouter, s *Service) {
	r.POST("/orders", func(c *gin.Context) {
		var req CreateRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		o, err := s.Create(c.Request.Context(), req)
		if err != nil {
			c.JSON(status(err), gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusCreated, o)
	})

	r.GET("/orders/:id", func(c *gin.Context) {
		o, err := s.Get(c.Request.Context(), c.Param("id"))
		if err != nil {
			c.JSON(status(err), gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, o)
	})
}

func status(err error) int {
	switch {
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrUnknownItem):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ErrOutOfStock):
		return http.StatusConflict
	case errors.Is(err, ErrInventory):
		return http.StatusBadGateway
	default:
		return http.StatusInternalServerError
	}
}
